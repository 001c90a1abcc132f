package dev.emailengine.dispatch.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.dkim.control.DkimKeys;
import dev.emailengine.dkim.control.DkimSigner;
import dev.emailengine.dkim.control.DkimTestKeys;
import dev.emailengine.queue.entity.Attachment;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.QueuedEmail;
import dev.emailengine.testing.DkimVerifier;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Messages as the composer hands them to the transport, signed, and checked by dkimpy (not by our
 * signer): every kind of message verifies with either algorithm, and a change after signing fails.
 */
class DkimSignedMessagesTest {

    private static final String DOMAIN = "example.com";
    private static KeyPair rsa;
    private static KeyPair ed25519;
    private final Session session = Session.getInstance(new Properties());

    @TempDir
    static Path dir;

    @BeforeAll
    static void keys() throws Exception {
        rsa = DkimTestKeys.rsa(2048);
        ed25519 = DkimTestKeys.ed25519();
    }

    static Stream<Arguments> messages() {
        var pdf = new Attachment("report ü.pdf", "application/pdf", Base64.getEncoder().encodeToString(new byte[5000]));
        var headers = new LinkedHashMap<String, String>();
        headers.put("X-Campaign", "Grüße aus Köln");
        headers.put("List-Unsubscribe", "<https://example.com/unsubscribe/abc>");
        headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        var kinds = Map.of(
                "plain", EmailMessage.of("to@example.net", "Plain", "Hello,\nsecond line  with  spaces \n\n\n", null),
                "html", EmailMessage.of("to@example.net", "HTML", null, "<p>Hello <b>there</b></p>"),
                "multipart", EmailMessage.of("to@example.net", "Both", "text", "<p>html</p>"),
                "attachments", new EmailMessage("to@example.net", "Report", "see attached", null, "Billing",
                        List.of("cc@example.net"), List.of("bcc@example.net"), List.of("help@example.com"), Map.of(),
                        List.of(pdf)),
                "non-ascii headers", new EmailMessage("to@example.net", "Größe: 😀 très long " + "sujet ".repeat(20),
                        "Grüße", null, "Zoë Ünicode", List.of(), List.of(), List.of(), headers, List.of()));
        return kinds.entrySet().stream().flatMap(kind -> Stream.of("rsa", "ed25519")
                .map(algorithm -> Arguments.of(kind.getKey() + " " + algorithm, algorithm, kind.getValue())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void verifiesWithAnIndependentVerifier(String name, String algorithm, EmailMessage content) throws Exception {
        KeyPair pair = algorithm.equals("rsa") ? rsa : ed25519;
        byte[] sent = signed(pair, "sel-" + algorithm, content);

        assertEquals("pass", DkimVerifier.verdict(sent, dns("sel-" + algorithm, pair)), name);
        String signature = new MimeMessage(session, new ByteArrayInputStream(sent)).getHeader("DKIM-Signature")[0]
                .replaceAll("\\s+", "");
        assertTrue(signature.contains("a=" + (algorithm.equals("rsa") ? "rsa-sha256" : "ed25519-sha256")), signature);
        assertTrue(signature.contains("c=relaxed/relaxed"), signature);
        assertTrue(signature.contains("h=from:from:to:to:"), signature);
        if (content.headers().containsKey("List-Unsubscribe-Post")) {
            assertTrue(signature.contains(":list-unsubscribe-post:list-unsubscribe-post;"), signature);
        }
    }

    @Test
    void aMessageChangedAfterSigningFailsAndWhitespaceRelaysAddStillPasses() throws Exception {
        byte[] sent = signed(rsa, "sel", EmailMessage.of("to@example.net", "Invoice", "Amount: 100 EUR\nThank you", null));
        String text = new String(sent, StandardCharsets.ISO_8859_1);
        Map<String, String> dns = dns("sel", rsa);

        String alteredBody = text.replace("Amount: 100 EUR", "Amount: 900 EUR");
        String alteredSubject = text.replace("Subject: Invoice", "Subject: Invoice!");
        assertNotEquals(text, alteredBody);
        assertNotEquals(text, alteredSubject);
        assertTrue(DkimVerifier.verdict(bytes(alteredBody), dns).startsWith("fail"));
        assertTrue(DkimVerifier.verdict(bytes(alteredSubject), dns).startsWith("fail"));
        // relaxed/relaxed: whitespace a relay may add changes nothing
        assertEquals("pass", DkimVerifier.verdict(bytes(text.replace("Amount: 100 EUR", "Amount:   100 EUR  ")), dns));
        // and a verifier given another key fails it
        assertTrue(DkimVerifier.verdict(sent, dns("sel", ed25519)).startsWith("fail"));
    }

    @Test
    void theSignedMessageIsSentAsSignedAndAMessageFromADomainWithoutAKeyIsNot() throws Exception {
        Path key = DkimTestKeys.pem(dir, "other.pem", rsa);
        var other = DkimKeys.configured("news@other.example", Optional.of("s"), Optional.of(key.toString()),
                Optional.empty(), Clock.systemUTC());
        var composer = new MimeComposer("engine@" + DOMAIN, null, other);

        MimeMessage message = composer.compose(session, queued(EmailMessage.of("to@example.net", "s", "t", null)));

        assertEquals(null, message.getHeader("DKIM-Signature"), "example.com has no key here");
    }

    static Stream<Arguments> rawMessages() {
        return Stream.of(
                Arguments.of("empty body", "From: a@example.com\r\nTo: b@example.net\r\nSubject: empty\r\n\r\n"),
                Arguments.of("folded and repeated headers", "Received: from x\r\nReceived: from y\r\n"
                        + "From: a@example.com\r\nSubject: a long\r\n\tfolded   subject \r\nTo: b@example.net,\r\n"
                        + " c@example.net\r\nTo: d@example.net\r\n\r\nbody\r\n"),
                Arguments.of("blank lines of whitespace", "From: a@example.com\r\nSubject: ws\r\n\r\n \r\n\t\r\n"
                        + "x  y\t\r\n \r\n\r\n"),
                Arguments.of("bare line feeds", "From: a@example.com\nSubject: lf\n\nline one\nline two\n"),
                Arguments.of("no final line break", "From: a@example.com\r\nSubject: end\r\n\r\nlast  "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawMessages")
    void messagesAtTheEdgesOfCanonicalisationVerify(String name, String message) throws Exception {
        for (KeyPair pair : List.of(rsa, ed25519)) {
            byte[] sent = DkimSigner.sign(bytes(message), key(pair), Instant.now());

            assertEquals("pass", DkimVerifier.verdict(sent, dns("raw", pair)), name + " " + pair.getPublic().getAlgorithm());
        }
    }

    @Test
    void aFromSubjectReplyToOrUnsubscribeLinkAddedAfterSigningFails() throws Exception {
        String original = "From: shop@example.com\r\nTo: b@example.net\r\nSubject: Your order\r\n\r\nThanks\r\n";
        String sent = new String(DkimSigner.sign(bytes(original), key(rsa), Instant.now()), StandardCharsets.ISO_8859_1);
        Map<String, String> dns = dns("raw", rsa);
        assertEquals("pass", DkimVerifier.verdict(bytes(sent), dns));

        for (String added : List.of("From: attacker@example.org", "Subject: Urgent: reset your password",
                "Reply-To: attacker@example.org", "List-Unsubscribe: <https://attacker.example/u>")) {
            String tampered = added + "\r\n" + sent; // a header added above the signature, where clients look first
            assertTrue(DkimVerifier.verdict(bytes(tampered), dns).startsWith("fail"), added + " was not noticed");
        }
        assertTrue(sent.replaceAll("\\s+", "").contains("h=from:from:to:to:cc:subject:subject:reply-to:list-unsubscribe:list-unsubscribe-post;"), sent);
    }

    private static dev.emailengine.dkim.entity.DkimKey key(KeyPair pair) throws Exception {
        Path file = DkimTestKeys.pem(dir, "raw" + System.nanoTime() + ".pem", pair);
        return DkimKeys.configured("engine@" + DOMAIN, Optional.of("raw"), Optional.of(file.toString()),
                Optional.empty(), Clock.systemUTC()).signingKey(DOMAIN).orElseThrow();
    }

    private byte[] signed(KeyPair pair, String selector, EmailMessage content) throws Exception {
        Path key = DkimTestKeys.pem(dir, selector + System.nanoTime() + ".pem", pair);
        var keys = DkimKeys.configured("engine@" + DOMAIN, Optional.of(selector), Optional.of(key.toString()),
                Optional.empty(), Clock.systemUTC());
        MimeMessage message = new MimeComposer("engine@" + DOMAIN, "Email Engine", keys).compose(session, queued(content));
        var first = new ByteArrayOutputStream();
        message.writeTo(first, new String[] {"Bcc", "Content-Length"}); // as the SMTP transport calls it
        message.saveChanges(); // and nothing done to it later changes what is sent
        var second = new ByteArrayOutputStream();
        message.writeTo(second);
        assertEquals(first.toString(StandardCharsets.ISO_8859_1), second.toString(StandardCharsets.ISO_8859_1));
        return first.toByteArray();
    }

    private static QueuedEmail queued(EmailMessage content) {
        return QueuedEmail.accept("batch_1795000000000_0000abcd", 2, Instant.now(), 3, content, null);
    }

    private static Map<String, String> dns(String selector, KeyPair pair) {
        return Map.of(selector + "._domainkey." + DOMAIN, DkimTestKeys.txtRecord(pair));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
