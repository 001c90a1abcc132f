package dev.emailengine.unsubscribe.control;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Whether the body of a POST to an unsubscribe link asks for the unsubscription. RFC 8058 has
 * mailbox providers send {@code List-Unsubscribe=One-Click} as
 * {@code application/x-www-form-urlencoded} or {@code multipart/form-data}; an empty body (some
 * clients send none) asks too. Other form fields are ignored; a body that is not a form, or a form
 * whose List-Unsubscribe field says something else, does not ask.
 */
public final class OneClickForm {

    static final String FIELD = "List-Unsubscribe";
    static final String VALUE = "One-Click";

    private OneClickForm() {
    }

    public static boolean asksToUnsubscribe(String contentType, byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        if (text.isBlank()) {
            return true;
        }
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).strip();
        if (type.startsWith("multipart/form-data")) {
            String boundary = parameter(contentType, "boundary");
            return boundary != null && multipartAsks(text, boundary);
        }
        // A form, or a body without a type that reads as one.
        return urlEncodedAsks(text.strip());
    }

    private static boolean urlEncodedAsks(String text) {
        boolean asks = false;
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            if (name.equalsIgnoreCase(FIELD)) {
                if (!value.strip().equalsIgnoreCase(VALUE)) {
                    return false;
                }
                asks = true;
            }
        }
        return asks;
    }

    private static boolean multipartAsks(String text, String boundary) {
        String delimiter = "--" + boundary;
        boolean asks = false;
        for (String part : text.split(java.util.regex.Pattern.quote(delimiter))) {
            int headersEnd = part.indexOf("\r\n\r\n");
            int separator = 4;
            if (headersEnd < 0) {
                headersEnd = part.indexOf("\n\n");
                separator = 2;
            }
            if (headersEnd < 0) {
                continue;
            }
            String headers = part.substring(0, headersEnd);
            String name = null;
            for (String line : headers.split("\r?\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
                    name = parameter(line, "name");
                }
            }
            if (FIELD.equalsIgnoreCase(name)) {
                if (!part.substring(headersEnd + separator).strip().equalsIgnoreCase(VALUE)) {
                    return false;
                }
                asks = true;
            }
        }
        return asks;
    }

    /** A parameter of a header value ({@code boundary=...}, {@code name="..."}), unquoted. */
    static String parameter(String header, String name) {
        for (String piece : header.split(";")) {
            String p = piece.strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase(name)) {
                String value = p.substring(eq + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }
}
