package dev.emailengine.access.control;

import dev.emailengine.platform.Digests;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * The configured API keys and the check of a presented one. Keys are kept only as SHA-256
 * digests and compared with {@link MessageDigest#isEqual} against every configured key, so
 * neither the position of the first wrong character nor the length of the key, nor which key
 * matched, shows in the time an answer takes.
 */
public final class ApiKeys {

    /** Shorter keys are guessable; refusing them at start-up is kinder than a breach. */
    public static final int MIN_KEY_LENGTH = 16;

    private final List<byte[]> digests;

    private ApiKeys(List<byte[]> digests) {
        this.digests = digests;
    }

    /**
     * @param commaSeparated the {@code API_KEYS} setting; blank means none
     * @throws IllegalArgumentException when a key is too short or contains whitespace
     */
    public static ApiKeys parse(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return new ApiKeys(List.of());
        }
        List<String> keys = Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(k -> !k.isEmpty())
                .toList();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            if (key.length() < MIN_KEY_LENGTH || !Digests.isVisibleAscii(key)) {
                // The key itself is never put in a message.
                throw new IllegalArgumentException("API_KEYS entry " + (i + 1) + " must be at least " + MIN_KEY_LENGTH
                        + " printable ASCII characters without spaces");
            }
        }
        return new ApiKeys(keys.stream().map(ApiKeys::digest).toList());
    }

    public boolean isEmpty() {
        return digests.isEmpty();
    }

    public int count() {
        return digests.size();
    }

    public boolean accepts(String presented) {
        if (presented == null || digests.isEmpty()) {
            return false;
        }
        byte[] candidate = digest(presented);
        boolean match = false;
        for (byte[] key : digests) {
            match |= MessageDigest.isEqual(key, candidate);
        }
        return match;
    }

    /** True for loopback addresses and names that resolve only to loopback ("localhost"). */
    public static boolean isLoopback(String bindAddress) {
        try {
            return Arrays.stream(InetAddress.getAllByName(bindAddress.strip())).allMatch(InetAddress::isLoopbackAddress);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static byte[] digest(String key) {
        return Digests.sha256(key);
    }
}
