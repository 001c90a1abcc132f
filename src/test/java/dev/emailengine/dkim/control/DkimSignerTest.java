package dev.emailengine.dkim.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.dkim.entity.DkimKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ed25519 signatures the signer makes with Bouncy Castle's RFC 8032 code: Ed25519 is
 * deterministic, so they must be byte for byte the JDK's own, for keys as operators configure them.
 * (Whole signed messages are checked by an independent verifier in DkimSignedMessagesTest.)
 */
class DkimSignerTest {

    @TempDir
    Path dir;

    @Test
    void anEd25519SignatureIsTheOneTheJdkMakesWithTheSameKey() throws Exception {
        for (int i = 0; i < 5; i++) {
            KeyPair pair = DkimTestKeys.ed25519();
            DkimKey key = DkimKeys.configured("news@example.com", Optional.of("ed"),
                    Optional.of(DkimTestKeys.pem(dir, "ed" + i + ".pem", pair).toString()), Optional.empty(),
                    Clock.systemUTC()).signingKey("example.com").orElseThrow();
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("from:news@example.com\r\nsubject:number " + i).getBytes(StandardCharsets.US_ASCII));

            Signature jdk = Signature.getInstance("Ed25519");
            jdk.initSign(pair.getPrivate());
            jdk.update(digest);
            byte[] expected = jdk.sign();

            byte[] made = DkimSigner.ed25519(key, digest);
            assertArrayEquals(expected, made);
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(pair.getPublic());
            verifier.update(digest);
            assertTrue(verifier.verify(made));
        }
    }
}
