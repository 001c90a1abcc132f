package dev.emailengine.platform;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The one spelling of an address the suppression list keys on. The domain is compared
 * case-insensitively (DNS), so it is lower-cased, and an internationalised domain is turned into
 * its ASCII form ({@code bücher.example} and {@code xn--bcher-kva.example} are one domain). The
 * local part belongs to the receiving server, which may treat case as significant (RFC 5321
 * 2.4), so it is kept as given, except that quotes which change nothing are dropped
 * ({@code "ada"@example.com} is {@code ada@example.com}). The suppression list keys on it, and
 * the queue and delivery match the transport's bare addresses to the envelope's recipients by it,
 * whatever display name a client gave them.
 */
public final class Mailboxes {

    /** RFC 5321: 64 octets of local part, an @, 255 of domain. */
    public static final int MAX_LENGTH = 320;
    static final int MAX_LOCAL_OCTETS = 64;
    static final int MAX_DOMAIN_OCTETS = 255;
    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

    private Mailboxes() {
    }

    /**
     * The normalised address.
     *
     * @throws IllegalArgumentException saying what is wrong with it, to follow the field's name
     */
    public static String normalise(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("is required");
        }
        String a = address.strip();
        if (hasControlCharacter(a)) {
            throw new IllegalArgumentException("must not contain line breaks or control characters");
        }
        if (a.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("is longer than " + MAX_LENGTH + " characters");
        }
        int at = a.lastIndexOf('@');
        if (at <= 0 || at == a.length() - 1) {
            throw new IllegalArgumentException("must be one address such as user@example.com");
        }
        return localPart(a.substring(0, at)) + "@" + domain(a.substring(at + 1));
    }

    /**
     * The key of an address a client gave with its email (already validated, perhaps with a
     * display name: {@code Ada <ada@example.com>}), or of one the transport reports. Never throws: an address this class would
     * refuse is at least keyed with its domain lower-cased, and cannot be on the list anyway.
     */
    public static String key(String mailbox) {
        String address = mailbox.strip();
        if (address.endsWith(">")) {
            try {
                address = new InternetAddress(address, false).getAddress();
            } catch (AddressException e) {
                // Left as given: normalise decides.
            }
        }
        try {
            return normalise(address);
        } catch (IllegalArgumentException e) {
            int at = address.lastIndexOf('@');
            return at < 0 ? address : address.substring(0, at + 1) + address.substring(at + 1).toLowerCase(Locale.ROOT);
        }
    }

    private static String localPart(String local) {
        String value;
        if (local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"")) {
            value = unquote(local.substring(1, local.length() - 1));
            if (!isDotAtom(value)) {
                value = quote(value);
            }
        } else if (isDotAtom(local)) {
            value = local;
        } else {
            throw new IllegalArgumentException("has a local part (before the @) that is not a valid mailbox name");
        }
        if (value.length() > MAX_LOCAL_OCTETS / 3 && value.getBytes(StandardCharsets.UTF_8).length > MAX_LOCAL_OCTETS) {
            throw new IllegalArgumentException("has a local part longer than " + MAX_LOCAL_OCTETS + " octets");
        }
        return value;
    }

    private static String unquote(String content) {
        var value = new StringBuilder(content.length());
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (c == '\\') {
                if (++i == content.length()) {
                    throw new IllegalArgumentException("has a quoted local part ending in a backslash");
                }
                value.append(content.charAt(i));
            } else if (c == '"') {
                throw new IllegalArgumentException("has an unescaped quote in its local part");
            } else {
                value.append(c);
            }
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("has an empty local part");
        }
        return value.toString();
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** RFC 5322 dot-atom, with RFC 6531's non-ASCII characters allowed (SMTPUTF8 mailboxes). */
    static boolean isDotAtom(String text) {
        if (text.isEmpty() || text.startsWith(".") || text.endsWith(".") || text.contains("..")) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean atext = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || ATEXT_SPECIALS.indexOf(c) >= 0 || c == '.' || c >= 0x80;
            if (!atext) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** Only ASCII letters, digits, hyphens and dots (STD3's host name characters). */
    private static boolean isLdh(String domain) {
        for (int i = 0; i < domain.length(); i++) {
            char c = domain.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static String domain(String domain) {
        if (domain.startsWith("[") && domain.endsWith("]")) {
            // An address literal ([192.0.2.1], [IPv6:2001:db8::1]): no DNS name to convert.
            if (!domain.substring(1, domain.length() - 1).matches("[0-9A-Za-z.:-]+")) {
                throw new IllegalArgumentException("has an invalid address literal as its domain");
            }
            return domain.toLowerCase(Locale.ROOT);
        }
        String ascii;
        if (isLdh(domain)) {
            // Already ASCII letters, digits, hyphens and dots: what IDN.toASCII would check and
            // return, at a fraction of its cost (every email's recipients are keyed several times).
            ascii = domain.toLowerCase(Locale.ROOT);
            for (String label : ascii.split("\\.", -1)) {
                if (label.startsWith("-") || label.endsWith("-")) {
                    throw new IllegalArgumentException("has an invalid domain");
                }
            }
        } else {
            try {
                ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("has an invalid domain");
            }
        }
        if (ascii.length() > MAX_DOMAIN_OCTETS) {
            throw new IllegalArgumentException("has a domain longer than " + MAX_DOMAIN_OCTETS + " characters");
        }
        for (String label : ascii.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                throw new IllegalArgumentException("has an invalid domain");
            }
        }
        return ascii;
    }
}
