package dev.emailengine.dkim.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** RFC 6376's own example (section 3.4.5) and the edges around it. */
class RelaxedCanonicalizationTest {

    @Test
    void theRfcExampleHeaders() {
        assertEquals("a:X\r\n", RelaxedCanonicalization.header("A: X"));
        assertEquals("b:Y Z\r\n", RelaxedCanonicalization.header("B : Y\t\r\n\tZ  "));
    }

    @Test
    void theRfcExampleBody() throws Exception {
        assertEquals(" C\r\nD E\r\n", body(" C \r\nD \t E\r\n\r\n\r\n"));
    }

    @Test
    void onlySpaceAndTabAreWhitespace() throws Exception {
        // A form feed or vertical tab is content, not whitespace, in a header and in the body.
        assertEquals("x:a \f\u000b b\r\n", RelaxedCanonicalization.header("X:  a \f\u000b  b "));
        assertEquals("a \f\r\n", body("a \f\r\n"));
    }

    @Test
    void emptyAndBlankBodiesAndAMissingFinalLineBreak() throws Exception {
        assertEquals("", body(""));
        assertEquals("", body("\r\n\r\n"));
        assertEquals("", body("  \r\n\t\r\n"));
        assertEquals("last line\r\n", body("last line  "));
        assertEquals("a\r\n\r\nb\r\n", body("a\r\n \r\nb\r\n\r\n"));
    }

    private static String body(String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        RelaxedCanonicalization.body(bytes, 0, bytes.length, digest);
        byte[] expected = digest.digest();
        // The streaming digest saw exactly what a plain reading of the RFC gives.
        String canonical = reference(text);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.ISO_8859_1)),
                expected, "digest of " + canonical);
        return canonical;
    }

    /** A plain, slow reading of RFC 6376 3.4.4, to compare the streaming one with. */
    private static String reference(String body) {
        String[] lines = body.split("\r\n", -1);
        var out = new StringBuilder();
        int pendingEmpty = 0;
        for (int i = 0; i < lines.length; i++) {
            if (i == lines.length - 1 && lines[i].isEmpty()) {
                break; // after the final CRLF
            }
            String line = lines[i].replaceAll("[ \t]+", " ").replaceAll(" $", "");
            if (line.isEmpty()) {
                pendingEmpty++;
                continue;
            }
            out.append("\r\n".repeat(pendingEmpty)).append(line).append("\r\n");
            pendingEmpty = 0;
        }
        return out.toString();
    }
}
