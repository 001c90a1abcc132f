package dev.emailengine.dkim.entity;

/** The signing algorithms a key may use: RSA (RFC 6376) and Ed25519 (RFC 8463). */
public enum DkimAlgorithm {
    RSA_SHA256("rsa-sha256", "rsa"), ED25519_SHA256("ed25519-sha256", "ed25519");

    private final String tag;
    private final String keyType;

    DkimAlgorithm(String tag, String keyType) {
        this.tag = tag;
        this.keyType = keyType;
    }

    /** The {@code a=} tag of the signature. */
    public String tag() {
        return tag;
    }

    /** The {@code k=} tag of the DNS record. */
    public String keyType() {
        return keyType;
    }
}
