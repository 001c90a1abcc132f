package dev.emailengine.unsubscribe.control;

import dev.emailengine.unsubscribe.entity.Unsubscription;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The unsubscribe link of a recipient and a list, from {@code PUBLIC_BASE_URL} and
 * {@code UNSUBSCRIBE_SECRET}: {@code {base}/unsubscribe/{token}}. Without a base URL there are no
 * links (nothing to point at); the secret alone still verifies links sent earlier, and so do the
 * secrets of {@code UNSUBSCRIBE_PREVIOUS_SECRETS}, which sign nothing new.
 */
public final class UnsubscribeLinks {

    public static final String BASE_URL_KEY = "PUBLIC_BASE_URL (public.base.url)";
    public static final String SECRET_KEY = "UNSUBSCRIBE_SECRET (unsubscribe.secret)";
    public static final String PREVIOUS_SECRETS_KEY = "UNSUBSCRIBE_PREVIOUS_SECRETS (unsubscribe.previous.secrets)";
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
        return configured(publicBaseUrl, secret, Optional.empty());
    }

    /**
     * The configured links, also accepting tokens signed with a secret rotated out.
     *
     * @param previousSecrets comma-separated (base64 and hex secrets have no comma)
     * @throws IllegalArgumentException naming the setting at fault, never showing a secret
     */
    public static UnsubscribeLinks configured(Optional<String> publicBaseUrl, Optional<String> secret,
            Optional<String> previousSecrets) {
        String url = publicBaseUrl.map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
        String key = secret.filter(s -> !s.isBlank()).orElse(null);
        List<String> previous = previousSecrets.map(p -> Arrays.stream(p.split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList()).orElse(List.of());
        String base = url == null ? null : baseUrl(url);
        if (base != null && key == null) {
            throw new IllegalArgumentException(SECRET_KEY + " is required when " + BASE_URL_KEY
                    + " is set: it signs the unsubscribe links (openssl rand -base64 32)");
        }
        if (key == null && !previous.isEmpty()) {
            // Most likely the new secret went into the wrong variable; accepting only old links hides that.
            throw new IllegalArgumentException(SECRET_KEY + " is required when " + PREVIOUS_SECRETS_KEY
                    + " is set: the previous secrets only verify links, the current one signs them");
        }
        if (key == null) {
            return new UnsubscribeLinks(base, null);
        }
        if (key.strip().length() < UnsubscribeTokens.MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException(SECRET_KEY + " is too short: it must be at least "
                    + UnsubscribeTokens.MIN_SECRET_LENGTH + " characters (openssl rand -base64 32)");
        }
        for (int i = 0; i < previous.size(); i++) {
            if (previous.get(i).length() < UnsubscribeTokens.MIN_SECRET_LENGTH) {
                throw new IllegalArgumentException(PREVIOUS_SECRETS_KEY + ": secret " + (i + 1) + " of "
                        + previous.size() + " is too short: each must be at least "
                        + UnsubscribeTokens.MIN_SECRET_LENGTH + " characters, as " + SECRET_KEY + " must");
            }
        }
        return new UnsubscribeLinks(base, new UnsubscribeTokens(key, previous));
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

    /**
     * Whether a secret can later be listed in {@code UNSUBSCRIBE_PREVIOUS_SECRETS}, which is
     * comma-separated: one with a comma would be split there and stop verifying its links.
     */
    public static boolean canBeRotatedOut(String secret) {
        return secret.indexOf(',') < 0;
    }

    /** True when emails get links: a base URL (and so a secret) is configured. */
    public boolean enabled() {
        return base != null;
    }

    /** True when links use HTTPS, which RFC 8058 requires of one-click unsubscribe. */
    public boolean secure() {
        return base != null && base.regionMatches(true, 0, "https:", 0, 6);
    }

    /** How many secrets of {@code UNSUBSCRIBE_PREVIOUS_SECRETS} still verify old links. */
    public int previousSecrets() {
        return tokens == null ? 0 : tokens.previousSecrets();
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
