package dev.emailengine.dkim.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

/** Fresh keys for a test, written as PEM files only the owner can read, as an operator would keep them. */
public final class DkimTestKeys {

    private DkimTestKeys() {
    }

    public static KeyPair rsa(int bits) throws GeneralSecurityException {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        return generator.generateKeyPair();
    }

    public static KeyPair ed25519() throws GeneralSecurityException {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    /** PKCS#8, as {@code openssl genpkey} writes it. */
    public static Path pem(Path dir, String name, KeyPair pair) throws IOException {
        return write(dir, name, "PRIVATE KEY", pair.getPrivate().getEncoded());
    }

    public static Path write(Path dir, String name, String type, byte[] der) throws IOException {
        String pem = "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        Path file = Files.createFile(dir.resolve(name), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, pem);
    }

    /** The DNS record a receiver would find for this key pair, built from the public key itself. */
    public static String txtRecord(KeyPair pair) {
        byte[] encoded = pair.getPublic().getEncoded();
        if (pair.getPublic().getAlgorithm().equals("RSA")) {
            return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(encoded);
        }
        byte[] raw = java.util.Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
        return "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw);
    }
}
