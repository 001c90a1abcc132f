package dev.emailengine.dkim.control;

import java.security.MessageDigest;
import java.util.Locale;

/**
 * The "relaxed" header and body canonicalisation of RFC 6376, section 3.4: what survives the
 * whitespace and line folding changes that relays are known to make. Whitespace here is SP and
 * HTAB only (WSP), nothing else. Header text is handled as ISO-8859-1, one char per byte, so
 * nothing is re-encoded on the way.
 */
final class RelaxedCanonicalization {

    private RelaxedCanonicalization() {
    }

    /** One header field, possibly folded, without its final CRLF; the result ends with CRLF. */
    static String header(String field) {
        int colon = field.indexOf(':');
        String name = trimmed(field.substring(0, colon)).toLowerCase(Locale.ROOT);
        String value = field.substring(colon + 1).replace("\r\n", "");
        return name + ":" + trimmed(compressed(value)) + "\r\n";
    }

    /** Runs of WSP become one SP. */
    private static String compressed(String value) {
        var out = new StringBuilder(value.length());
        boolean space = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isWsp(c)) {
                space = true;
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.append(c);
        }
        return space ? out.append(' ').toString() : out.toString();
    }

    private static String trimmed(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && isWsp(value.charAt(start))) {
            start++;
        }
        while (end > start && isWsp(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(start, end);
    }

    private static boolean isWsp(int c) {
        return c == ' ' || c == '\t';
    }

    /**
     * Feeds the canonical body, {@code message[offset, length)} with CRLF line endings, to the
     * digest without copying it: runs of WSP become one SP, WSP at line ends goes, empty lines at
     * the end go, and a non-empty body ends with CRLF.
     */
    static void body(byte[] message, int offset, int length, MessageDigest digest) {
        int pendingEmptyLines = 0;
        int lineStart = offset;
        while (lineStart < length) {
            int end = lineEnd(message, lineStart, length);
            if (isBlank(message, lineStart, end)) {
                pendingEmptyLines++;
            } else {
                for (; pendingEmptyLines > 0; pendingEmptyLines--) {
                    digest.update(CRLF);
                }
                line(message, lineStart, end, digest);
                digest.update(CRLF);
            }
            lineStart = Math.min(length, end + 2);
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};

    /** Where the line starting at {@code start} ends: its CRLF, or the end of the message. */
    private static int lineEnd(byte[] message, int start, int length) {
        for (int i = start; i < length - 1; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n') {
                return i;
            }
        }
        return length;
    }

    private static boolean isBlank(byte[] message, int start, int end) {
        for (int i = start; i < end; i++) {
            if (!isWsp(message[i])) {
                return false;
            }
        }
        return true;
    }

    /** A line without its trailing WSP and with each inner run of WSP as one SP, in runs of bytes. */
    private static void line(byte[] message, int start, int end, MessageDigest digest) {
        while (end > start && isWsp(message[end - 1])) {
            end--;
        }
        int run = start;
        for (int i = start; i < end; i++) {
            if (isWsp(message[i]) && (message[i] != ' ' || i + 1 < end && isWsp(message[i + 1]))) {
                digest.update(message, run, i - run);
                digest.update((byte) ' ');
                while (i + 1 < end && isWsp(message[i + 1])) {
                    i++;
                }
                run = i + 1;
            }
        }
        digest.update(message, run, end - run);
    }
}
