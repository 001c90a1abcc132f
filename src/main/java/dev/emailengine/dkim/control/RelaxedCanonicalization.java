package dev.emailengine.dkim.control;

import java.io.ByteArrayOutputStream;

/**
 * The "relaxed" header and body canonicalisation of RFC 6376, section 3.4: what survives the
 * whitespace and line folding changes that relays are known to make. Text is handled as
 * ISO-8859-1, one char per byte, so nothing is re-encoded on the way.
 */
final class RelaxedCanonicalization {

    private RelaxedCanonicalization() {
    }

    /** One header field, possibly folded, without its final CRLF; the result ends with CRLF. */
    static String header(String field) {
        int colon = field.indexOf(':');
        String name = field.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT);
        String value = field.substring(colon + 1).replace("\r\n", "");
        return name + ":" + compressed(value).strip() + "\r\n";
    }

    private static String compressed(String value) {
        var out = new StringBuilder(value.length());
        boolean space = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t') {
                space = true;
            } else {
                if (space) {
                    out.append(' ');
                    space = false;
                }
                out.append(c);
            }
        }
        if (space) {
            out.append(' ');
        }
        return out.toString();
    }

    /**
     * The body from {@code offset} on, its lines ending in CRLF: runs of whitespace become one
     * space, whitespace at line ends goes, empty lines at the end go.
     */
    static byte[] body(byte[] message, int offset) {
        var out = new ByteArrayOutputStream(message.length - offset);
        int pendingEmptyLines = 0;
        int lineStart = offset;
        while (lineStart < message.length) {
            int end = lineEnd(message, lineStart);
            byte[] line = relaxedLine(message, lineStart, end);
            if (line.length == 0) {
                pendingEmptyLines++;
            } else {
                for (; pendingEmptyLines > 0; pendingEmptyLines--) {
                    out.write('\r');
                    out.write('\n');
                }
                out.writeBytes(line);
                out.write('\r');
                out.write('\n');
            }
            lineStart = Math.min(message.length, end + 2);
        }
        return out.toByteArray();
    }

    /** Where the line starting at {@code start} ends: its CRLF, or the end of the message. */
    private static int lineEnd(byte[] message, int start) {
        for (int i = start; i < message.length - 1; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n') {
                return i;
            }
        }
        return message.length;
    }

    private static byte[] relaxedLine(byte[] message, int start, int end) {
        var line = new ByteArrayOutputStream(end - start);
        boolean space = false;
        for (int i = start; i < end; i++) {
            byte b = message[i];
            if (b == ' ' || b == '\t') {
                space = true;
            } else {
                if (space) {
                    line.write(' ');
                    space = false;
                }
                line.write(b);
            }
        }
        return line.toByteArray(); // whitespace at the end of the line is dropped
    }
}
