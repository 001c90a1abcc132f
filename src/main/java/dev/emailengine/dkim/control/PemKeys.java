package dev.emailengine.dkim.control;

import dev.emailengine.dkim.entity.DkimAlgorithm;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Reads a DKIM private key from PEM text, as {@code openssl genpkey} ({@code PRIVATE KEY}, RSA or
 * Ed25519) and older tools ({@code RSA PRIVATE KEY}) write it, and derives the public key the DNS
 * record carries. With the JDK alone: no DNS, no extra provider.
 */
final class PemKeys {

    /** RFC 8301: verifiers must not accept RSA keys under 1024 bits. */
    static final int MINIMUM_RSA_BITS = 1024;
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    /** AlgorithmIdentifier of rsaEncryption with its NULL parameters, DER. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final int ED25519_KEY_BYTES = 32;

    /** A private key, its algorithm and the {@code p=} value of its DNS record. */
    record KeyMaterial(DkimAlgorithm algorithm, PrivateKey privateKey, String publicKey, int bits) {
    }

    private PemKeys() {
    }

    /** @throws IllegalArgumentException saying what is wrong with the text, never quoting it */
    static KeyMaterial read(String pem) {
        var block = BLOCK.matcher(pem);
        if (!block.find()) {
            throw new IllegalArgumentException("no PEM private key in it (expected -----BEGIN PRIVATE KEY-----)");
        }
        String type = block.group(1);
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(block.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its PEM block is not valid base64");
        }
        return switch (type) {
            case "PRIVATE KEY" -> pkcs8(der);
            case "RSA PRIVATE KEY" -> {
                if (pem.contains("Proc-Type:") || pem.contains("ENCRYPTED")) {
                    throw encrypted();
                }
                yield pkcs8(pkcs8OfRsa(der));
            }
            case "ENCRYPTED PRIVATE KEY" -> throw encrypted();
            default -> throw new IllegalArgumentException("it holds a " + type + ", not a private key");
        };
    }

    private static IllegalArgumentException encrypted() {
        return new IllegalArgumentException("the key is encrypted with a passphrase; store it unencrypted in a file"
                + " only Email Engine's user can read (openssl pkey -in key.pem -out plain.pem)");
    }

    private static KeyMaterial pkcs8(byte[] der) {
        var spec = new PKCS8EncodedKeySpec(der);
        try {
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(spec);
            if (key instanceof RSAPrivateCrtKey rsa) {
                var publicKey = KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
                int bits = rsa.getModulus().bitLength();
                if (bits < MINIMUM_RSA_BITS) {
                    throw new IllegalArgumentException("the RSA key has " + bits + " bits; receivers refuse keys under "
                            + MINIMUM_RSA_BITS + " (RFC 8301), 2048 is the norm");
                }
                return new KeyMaterial(DkimAlgorithm.RSA_SHA256, key,
                        Base64.getEncoder().encodeToString(publicKey.getEncoded()), bits);
            }
            throw new IllegalArgumentException("the RSA key lacks its public part (CRT parameters)");
        } catch (GeneralSecurityException notRsa) {
            return ed25519(spec);
        }
    }

    private static KeyMaterial ed25519(PKCS8EncodedKeySpec spec) {
        try {
            PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(spec);
            byte[] seed = ((EdECPrivateKey) key).getBytes()
                    .orElseThrow(() -> new IllegalArgumentException("the Ed25519 key has no key bytes"));
            return new KeyMaterial(DkimAlgorithm.ED25519_SHA256, key,
                    Base64.getEncoder().encodeToString(ed25519PublicKey(seed)), ED25519_KEY_BYTES * 8);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("it is neither an RSA nor an Ed25519 private key");
        }
    }

    /**
     * The JDK derives an Ed25519 public key only while generating a pair: generate one from a
     * "random" source that yields the key's own seed, which gives this key's public half.
     */
    private static byte[] ed25519PublicKey(byte[] seed) throws GeneralSecurityException {
        var generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
            }
        });
        KeyPair pair = generator.generateKeyPair();
        byte[] generated = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
        if (!Arrays.equals(generated, seed)) {
            throw new GeneralSecurityException("could not derive the Ed25519 public key");
        }
        byte[] encoded = pair.getPublic().getEncoded(); // X.509: a fixed 12-byte prefix, then the 32 key bytes
        return Arrays.copyOfRange(encoded, encoded.length - ED25519_KEY_BYTES, encoded.length);
    }

    /** Wraps a PKCS#1 RSAPrivateKey in the PKCS#8 PrivateKeyInfo the JDK reads. */
    private static byte[] pkcs8OfRsa(byte[] pkcs1) {
        var body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00}); // version 0
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        body.writeBytes(derLength(pkcs1.length));
        body.writeBytes(pkcs1);
        var info = new ByteArrayOutputStream();
        info.write(0x30);
        info.writeBytes(derLength(body.size()));
        info.writeBytes(body.toByteArray());
        return info.toByteArray();
    }

    private static byte[] derLength(int length) {
        if (length < 0x80) {
            return new byte[] {(byte) length};
        }
        byte[] digits = BigInteger.valueOf(length).toByteArray();
        int start = digits[0] == 0 ? 1 : 0;
        byte[] encoded = new byte[digits.length - start + 1];
        encoded[0] = (byte) (0x80 | (digits.length - start));
        System.arraycopy(digits, start, encoded, 1, digits.length - start);
        return encoded;
    }
}
