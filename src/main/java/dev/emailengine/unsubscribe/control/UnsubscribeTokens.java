package dev.emailengine.unsubscribe.control;

import dev.emailengine.unsubscribe.entity.Unsubscription;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Unsubscribe tokens: the list and the address in the clear (base64url), then an HMAC-SHA256 of
 * both under {@code UNSUBSCRIBE_SECRET}. Verifying needs no lookup, and a token cannot be made
 * for another address or list without the secret. Tokens do not expire: a mailbox provider may
 * use a List-Unsubscribe URL months after the mail arrived. For the same reason a rotated secret
 * may stay on as a previous one ({@code UNSUBSCRIBE_PREVIOUS_SECRETS}): it verifies the links
 * already sent, and never signs a new one.
 */
public final class UnsubscribeTokens {

    /** Shortest secret accepted: 256 bits of base64 or hex is 43 or 64 characters. */
    public static final int MIN_SECRET_LENGTH = 32;
    /** The MAC is cut to 128 bits: forging one is still 2^128 guesses, and the URL stays short. */
    private static final int MAC_BYTES = 16;
    /**
     * Longest token read: the longest address the suppression list takes (64 octets, an @, 255)
     * and a 64-character list, encoded (514), with the dot and the MAC (23).
     */
    public static final int MAX_TOKEN_LENGTH = 540;
    private static final String PURPOSE = "email-engine unsubscribe v1\n";

    private final SecretKeySpec key;
    /** Verify only, after {@link #key}. */
    private final List<SecretKeySpec> previousKeys;

    public UnsubscribeTokens(String secret) {
        this(secret, List.of());
    }

    /**
     * @param previousSecrets secrets rotated out, still accepted when verifying; each as long as
     *            the current one must be
     * @throws IllegalArgumentException when a secret is too short, never showing it
     */
    public UnsubscribeTokens(String secret, List<String> previousSecrets) {
        this.key = key(secret, "UNSUBSCRIBE_SECRET");
        this.previousKeys = previousSecrets.stream().map(s -> key(s, "UNSUBSCRIBE_PREVIOUS_SECRETS")).toList();
    }

    private static SecretKeySpec key(String secret, String setting) {
        if (secret == null || secret.strip().length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException(setting + " must be at least " + MIN_SECRET_LENGTH
                    + " characters (openssl rand -base64 32)");
        }
        return new SecretKeySpec(secret.strip().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String tokenFor(String address, String listId) {
        byte[] payload = (listId + "\n" + address).getBytes(StandardCharsets.UTF_8);
        var base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString(payload) + "." + base64.encodeToString(mac(key, payload));
    }

    /** How many rotated-out secrets still verify. */
    public int previousSecrets() {
        return previousKeys.size();
    }

    /** The unsubscription a token stands for; empty when it is garbled, forged or made for something else. */
    public Optional<Unsubscription> verify(String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return Optional.empty();
        }
        byte[] payload;
        byte[] mac;
        try {
            payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
            mac = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac, mac(key, payload))
                && previousKeys.stream().noneMatch(k -> MessageDigest.isEqual(mac, mac(k, payload)))) {
            return Optional.empty();
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        return newline <= 0 || newline == text.length() - 1 ? Optional.empty()
                : Optional.of(new Unsubscription(text.substring(newline + 1), text.substring(0, newline)));
    }

    private static byte[] mac(SecretKeySpec key, byte[] payload) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(key);
            hmac.update(PURPOSE.getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(hmac.doFinal(payload), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }
}
