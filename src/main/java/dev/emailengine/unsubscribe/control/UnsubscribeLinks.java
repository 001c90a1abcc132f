package dev.emailengine.unsubscribe.control;

import dev.emailengine.unsubscribe.entity.Unsubscription;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The unsubscribe link of a recipient and a list, from {@code PUBLIC_BASE_URL} and
 * {@code UNSUBSCRIBE_SECRET}: {@code {base}/unsubscribe/{token}}. Without a base URL there are no
 * links (nothing to point at); the secret alone still verifies links sent earlier.
 */
public final class UnsubscribeLinks {

    public static final String BASE_URL_KEY = "PUBLIC_BASE_URL (public.base.url)";
    public static final String SECRET_KEY = "UNSUBSCRIBE_SECRET (unsubscribe.secret)";
    public static final String LIST_UNSUBSCRIBE = "List-Unsubscribe";
    public static final String LIST_UNSUBSCRIBE_POST = "List-Unsubscribe-Post";
    /** RFC 8058 3.1: the only value of List-Unsubscribe-Post, and the form body of the one-click POST. */
    public static final String ONE_CLICK = "List-Unsubscribe=One-Click";
    static final String PATH = "/unsubscribe/";
    /** The header holds the base, the path and a token of up to 540 characters on one 998-character line. */
    static final int MAX_BASE_URL_LENGTH = 300;

    private final String base;
    private final UnsubscribeTokens tokens;

    private UnsubscribeLinks(String base, UnsubscribeTokens tokens) {
        this.base = base;
        this.tokens = tokens;
    }

    /**
     * The configured links.
     *
     * @throws IllegalArgumentException naming the setting at fault, never showing the secret
     */
    public static UnsubscribeLinks configured(Optional<String> publicBaseUrl, Optional<String> secret) {
        String url = publicBaseUrl.map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
        String key = secret.filter(s -> !s.isBlank()).orElse(null);
        String base = url == null ? null : baseUrl(url);
        if (base != null && key == null) {
            throw new IllegalArgumentException(SECRET_KEY + " is required when " + BASE_URL_KEY
                    + " is set: it signs the unsubscribe links (openssl rand -base64 32)");
        }
        UnsubscribeTokens tokens;
        try {
            tokens = key == null ? null : new UnsubscribeTokens(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SECRET_KEY + " is too short: it must be at least "
                    + UnsubscribeTokens.MIN_SECRET_LENGTH + " characters (openssl rand -base64 32)");
        }
        return new UnsubscribeLinks(base, tokens);
    }

    /** The base URL without trailing slashes; an absolute http(s) URL with nothing after the path. */
    static String baseUrl(String url) {
        String problem = BASE_URL_KEY + " must be an absolute http or https URL such as https://mail.example.com";
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(problem + ", not a malformed URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.isOpaque()) {
            throw new IllegalArgumentException(problem);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(problem + ", without user, query or fragment");
        }
        if (url.length() > MAX_BASE_URL_LENGTH) {
            throw new IllegalArgumentException(BASE_URL_KEY + " is longer than " + MAX_BASE_URL_LENGTH + " characters");
        }
        String base = url;
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }

    /** True when emails get links: a base URL (and so a secret) is configured. */
    public boolean enabled() {
        return base != null;
    }

    /** True when links use HTTPS, which RFC 8058 requires of one-click unsubscribe. */
    public boolean secure() {
        return base != null && base.regionMatches(true, 0, "https:", 0, 6);
    }

    /** The link for a normalised address and a list; empty when links are not configured. */
    public Optional<String> url(String address, String listId) {
        return base == null ? Optional.empty() : Optional.of(base + PATH + tokens.tokenFor(address, listId));
    }

    /** What a token from a link stands for; empty when forged, garbled, or no secret is configured. */
    public Optional<Unsubscription> verify(String token) {
        return tokens == null ? Optional.empty() : tokens.verify(token);
    }

    /** The two headers of RFC 8058 for a link. */
    public static Map<String, String> headers(String url) {
        var headers = new LinkedHashMap<String, String>();
        headers.put(LIST_UNSUBSCRIBE, "<" + url + ">");
        headers.put(LIST_UNSUBSCRIBE_POST, ONE_CLICK);
        return headers;
    }
}
