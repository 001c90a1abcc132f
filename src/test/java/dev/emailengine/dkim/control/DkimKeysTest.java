package dev.emailengine.dkim.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.dkim.entity.DkimRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DKIM settings: what they sign with, what they publish, and the start-ups they refuse. */
class DkimKeysTest {

    private static KeyPair rsa;
    private static KeyPair ed25519;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        rsa = DkimTestKeys.rsa(2048);
        ed25519 = DkimTestKeys.ed25519();
    }

    private DkimKeys configured(String selector, String key, String keys) {
        return DkimKeys.configured("news@Example.COM", Optional.ofNullable(selector), Optional.ofNullable(key),
                Optional.ofNullable(keys), Clock.systemUTC());
    }

    private String message(String setting, String key, String keys) {
        return assertThrows(IllegalArgumentException.class, () -> configured(setting, key, keys)).getMessage();
    }

    @Test
    void theSenderDomainSignsWithDkimSelectorAndPublishesTheRecordOfItsOwnPublicKey() throws Exception {
        Path key = DkimTestKeys.pem(dir, "mail.pem", rsa);

        DkimKeys keys = configured("mail2026", key.toString(), null);

        DkimRecord record = keys.records().get(0);
        assertEquals(List.of("example.com"), keys.records().stream().map(DkimRecord::domain).toList());
        assertEquals("mail2026._domainkey.example.com", record.dnsName());
        assertEquals("rsa-sha256", record.algorithm());
        assertTrue(record.signing());
        assertEquals(DkimTestKeys.txtRecord(rsa), record.txtRecord());
        assertTrue(record.zoneEntry().startsWith("mail2026._domainkey.example.com. IN TXT ( \"v=DKIM1; k=rsa; p="),
                record.zoneEntry());
        assertTrue(Arrays.stream(record.zoneEntry().split("\"")).allMatch(s -> s.length() <= 255), record.zoneEntry());
        assertEquals("mail2026", keys.signingKey("EXAMPLE.com").orElseThrow().selector());
        assertTrue(keys.signingKey("other.example").isEmpty());
    }

    @Test
    void anEd25519KeyPublishesItsRawPublicKey() throws Exception {
        DkimKeys keys = configured("ed", DkimTestKeys.pem(dir, "ed.pem", ed25519).toString(), null);

        assertEquals("ed25519-sha256", keys.records().get(0).algorithm());
        assertEquals(DkimTestKeys.txtRecord(ed25519), keys.records().get(0).txtRecord());
    }

    @Test
    void anRsaKeyInTheOlderPkcs1FormIsReadToo() throws Exception {
        Path key = DkimTestKeys.write(dir, "old.pem", "RSA PRIVATE KEY", pkcs1(rsa.getPrivate().getEncoded()));

        assertEquals(DkimTestKeys.txtRecord(rsa), configured("old", key.toString(), null).records().get(0).txtRecord());
    }

    /** The RSAPrivateKey inside a PKCS#8 PrivateKeyInfo: the OCTET STRING after version and algorithm. */
    private static byte[] pkcs1(byte[] pkcs8) {
        int i = 1 + lengthBytes(pkcs8, 1); // into the outer SEQUENCE
        i += 3; // INTEGER 0
        i += 2 + pkcs8[i + 1]; // the AlgorithmIdentifier SEQUENCE (short form)
        int octets = i + 1 + lengthBytes(pkcs8, i + 1);
        return Arrays.copyOfRange(pkcs8, octets, pkcs8.length);
    }

    private static int lengthBytes(byte[] der, int at) {
        return (der[at] & 0x80) == 0 ? 1 : 1 + (der[at] & 0x7f);
    }

    @Test
    void dkimKeysAddsDomainsAndTheFirstSelectorOfADomainSigns() throws Exception {
        Path newer = DkimTestKeys.pem(dir, "new.pem", ed25519);
        Path older = DkimTestKeys.pem(dir, "old.pem", rsa);

        DkimKeys keys = configured(null, null, "brand.example:new2026:" + newer + "; brand.example:old2025:" + older
                + ";Bücher.example:b1:" + older + ";");

        assertEquals("new2026", keys.signingKey("brand.example").orElseThrow().selector());
        assertEquals(List.of("new2026 true", "old2025 false", "b1 true"),
                keys.records().stream().map(r -> r.selector() + " " + r.signing()).toList());
        assertEquals("xn--bcher-kva.example", keys.records().get(2).domain());
        assertTrue(keys.signingKey("bücher.example").isPresent());
        assertTrue(keys.signingKey("example.com").isEmpty(), "DKIM_SELECTOR is not set");
    }

    @Test
    void noSettingsMeanNoKeysAndMailGoesOutAsComposed() {
        DkimKeys keys = configured(" ", "", "");

        assertTrue(keys.isEmpty());
        assertEquals(List.of(), keys.records());
    }

    @Test
    void aHalfConfiguredKeyStopsTheStart() throws Exception {
        assertTrue(message("mail", null, null).contains("DKIM_PRIVATE_KEY"));
        assertTrue(message(null, DkimTestKeys.pem(dir, "k.pem", rsa).toString(), null).contains("DKIM_SELECTOR"));
    }

    @Test
    void aMissingUnreadableOrWrongKeyFileStopsTheStartNamingTheFileNotItsContent() throws Exception {
        String missing = message("mail", dir.resolve("absent.pem").toString(), null);
        assertTrue(missing.contains("absent.pem") && missing.contains("cannot be read"), missing);

        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "secret-looking text, not a key");
        String notPem = message("mail", garbage.toString(), null);
        assertTrue(notPem.contains("not a usable DKIM private key") && !notPem.contains("secret-looking"), notPem);

        Path certificate = DkimTestKeys.write(dir, "cert.pem", "CERTIFICATE", new byte[] {1, 2, 3});
        assertTrue(message("mail", certificate.toString(), null).contains("CERTIFICATE, not a private key"));

        Path encrypted = DkimTestKeys.write(dir, "enc.pem", "ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3});
        assertTrue(message("mail", encrypted.toString(), null).contains("encrypted"));

        Path broken = DkimTestKeys.write(dir, "broken.pem", "PRIVATE KEY", new byte[] {0x30, 3, 2, 1, 0});
        assertTrue(message("mail", broken.toString(), null).contains("neither an RSA nor an Ed25519"));

        Path small = DkimTestKeys.pem(dir, "small.pem", DkimTestKeys.rsa(768));
        assertTrue(message("mail", small.toString(), null).contains("768 bits"));
    }

    @Test
    void malformedDkimKeysEntriesStopTheStart() throws Exception {
        Path key = DkimTestKeys.pem(dir, "k.pem", rsa);

        assertTrue(message(null, null, "example.com:sel").contains("not domain:selector:path"));
        assertTrue(message(null, null, "example.com:bad selector!:" + key).contains("not a valid DKIM selector"));
        assertTrue(message(null, null, "not a domain:s:" + key).contains("not a domain name"));
        assertTrue(message(null, null, "a.example:s:" + key + ";A.example:s:" + key).contains("configured twice"));
        assertTrue(message("s", key.toString(), "example.com:s:" + key).contains("configured twice"));
        assertFalse(configured("s", key.toString(), "example.com:t:" + key).isEmpty());
    }
}
