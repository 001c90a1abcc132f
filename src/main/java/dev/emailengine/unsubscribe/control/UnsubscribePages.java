package dev.emailengine.unsubscribe.control;

/**
 * The few small pages a recipient sees: self-contained (no script, no external resource, which
 * the Content-Security-Policy sent with them also forbids), every value escaped.
 */
public final class UnsubscribePages {

    /** Nothing loads but the inline style; the form posts only back to this service. */
    public static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private UnsubscribePages() {
    }

    /** GET: asks, changes nothing (link scanners follow links); the button posts the RFC 8058 form to the same URL. */
    public static String confirm(String address, String listId) {
        return page("Unsubscribe", "<p>Stop sending mail of the list <strong>" + escape(listId) + "</strong> to <strong>"
                + escape(address) + "</strong>?</p>\n<form method=\"post\">"
                + "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                + "<button type=\"submit\">Unsubscribe</button></form>");
    }

    public static String done(String address, String listId) {
        return page("Unsubscribed", "<p><strong>" + escape(address) + "</strong> will no longer be sent mail of the list"
                + " <strong>" + escape(listId) + "</strong>.</p>");
    }

    public static String invalidLink() {
        return page("Link not valid", "<p>This unsubscribe link is not valid. Nothing was changed.</p>");
    }

    public static String notAsked() {
        return page("Nothing changed", "<p>This request did not ask to unsubscribe"
                + " (the form field List-Unsubscribe=One-Click). Nothing was changed.</p>");
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"robots\" content=\"noindex\"><title>" + escape(title) + "</title>"
                + "<style>body{font-family:sans-serif;max-width:32em;margin:3em auto;padding:0 1em}"
                + "button{font-size:1em;padding:.5em 1.5em}</style></head>\n<body><h1>" + escape(title) + "</h1>\n"
                + body + "\n</body></html>\n";
    }

    static String escape(String text) {
        var out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
