package dev.emailengine.dispatch.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.queue.entity.Attachment;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.QueuedEmail;
import jakarta.activation.CommandInfo;
import jakarta.activation.CommandMap;
import jakarta.activation.DataContentHandler;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class MimeComposerTest {

    private final Session session = Session.getInstance(new Properties());
    private final MimeComposer composer = new MimeComposer("engine@example.com", "Email Engine");

    /** Serialises and parses the message back, as a receiver would see it. */
    private MimeMessage onTheWire(EmailMessage content) throws Exception {
        var email = QueuedEmail.accept("batch_1795000000000_0000abcd", 2, Instant.now(), 3, content, null);
        var bytes = new ByteArrayOutputStream();
        composer.compose(session, email).writeTo(bytes);
        return new MimeMessage(session, new ByteArrayInputStream(bytes.toByteArray()));
    }

    @Test
    void multipartHasTextThenHtmlAlternativesAndStableHeaders() throws Exception {
        MimeMessage received = onTheWire(EmailMessage.of("user@example.com", "Grüße ✓", "plain text", "<p>html</p>"));

        assertEquals("Email Engine <engine@example.com>", received.getFrom()[0].toString());
        assertEquals("user@example.com", received.getAllRecipients()[0].toString());
        assertEquals("Grüße ✓", received.getSubject());
        assertEquals("<batch_1795000000000_0000abcd@example.com>", received.getMessageID());
        assertNotNull(received.getSentDate());
        assertTrue(received.isMimeType("multipart/alternative"));
        var parts = (MimeMultipart) received.getContent();
        assertEquals(2, parts.getCount());
        assertTrue(parts.getBodyPart(0).isMimeType("text/plain"));
        assertEquals("plain text", parts.getBodyPart(0).getContent());
        assertTrue(parts.getBodyPart(1).isMimeType("text/html"));
        assertEquals("<p>html</p>", parts.getBodyPart(1).getContent());
    }

    /**
     * WildFly's deployment class loader cannot see the mail implementation's META-INF/mailcap, so
     * Jakarta Activation's default command map knows no handler for multipart/*. Composing must
     * not depend on it.
     */
    @Test
    void multipartEmailsAreWrittenWithoutTheMailcapHandlers() throws Exception {
        var email = QueuedEmail.accept("batch_1795000000000_0000abce", 2, Instant.now(), 3,
                new EmailMessage("user@example.com", "s", "plain", "<p>html</p>", null, List.of(), List.of(),
                        List.of(), Map.of(), List.of(new Attachment("a.txt", "text/plain", "aGk="))), null);
        var bytes = new ByteArrayOutputStream();
        CommandMap.setDefaultCommandMap(new CommandMap() {
            @Override
            public CommandInfo[] getPreferredCommands(String mimeType) {
                return new CommandInfo[0];
            }

            @Override
            public CommandInfo[] getAllCommands(String mimeType) {
                return new CommandInfo[0];
            }

            @Override
            public CommandInfo getCommand(String mimeType, String cmdName) {
                return null;
            }

            @Override
            public DataContentHandler createDataContentHandler(String mimeType) {
                return null;
            }
        });
        try {
            composer.compose(session, email).writeTo(bytes);
        } finally {
            CommandMap.setDefaultCommandMap(null);
        }

        var received = new MimeMessage(session, new ByteArrayInputStream(bytes.toByteArray()));
        var mixed = (MimeMultipart) received.getContent();
        var alternative = (MimeMultipart) mixed.getBodyPart(0).getContent();
        assertEquals("plain", alternative.getBodyPart(0).getContent());
        assertEquals("<p>html</p>", alternative.getBodyPart(1).getContent());
        assertEquals("a.txt", mixed.getBodyPart(1).getFileName());
    }

    @Test
    void singlePartMessagesCarryTheirOwnType() throws Exception {
        MimeMessage plain = onTheWire(EmailMessage.of("a@b.io", "s", "ünïcode text", null));
        MimeMessage html = onTheWire(EmailMessage.of("a@b.io", "s", null, "<b>bold</b>"));

        assertTrue(plain.isMimeType("text/plain"));
        assertEquals("ünïcode text", plain.getContent());
        assertTrue(html.isMimeType("text/html"));
        assertEquals("<b>bold</b>", html.getContent());
    }

    @Test
    void theMessageIdIsTheSameOnEveryAttempt() throws Exception {
        var content = EmailMessage.of("a@b.io", "s", "t", null);

        assertEquals(onTheWire(content).getMessageID(), onTheWire(content).getMessageID());
    }

    @Test
    void ccReplyToHeadersAndAttachmentsAreOnTheMessageAndBccOnlyInTheEnvelope() throws Exception {
        var content = new EmailMessage("to@example.com", "s", "text", null, "Billing Team", List.of("cc@example.com"),
                List.of("hidden@example.com"), List.of("help@example.com"),
                Map.of("X-Campaign", "Grüße", "List-Unsubscribe", "<https://example.com/u>"),
                List.of(new Attachment("report ü.pdf", "application/pdf", "JVBERi0xLjQ=")));
        var email = QueuedEmail.accept("batch_1795000000000_0000abcd", 2, Instant.now(), 3, content, null);

        MimeMessage received = onTheWire(content);

        assertEquals("Billing Team <engine@example.com>", received.getFrom()[0].toString());
        assertEquals("cc@example.com", received.getRecipients(RecipientType.CC)[0].toString());
        assertNull(received.getHeader("Bcc"));
        assertEquals("help@example.com", received.getReplyTo()[0].toString());
        assertEquals("Grüße", MimeUtility.decodeText(received.getHeader("X-Campaign", null)));
        assertEquals("<https://example.com/u>", received.getHeader("List-Unsubscribe", null));
        var mixed = (MimeMultipart) received.getContent();
        assertEquals("text", mixed.getBodyPart(0).getContent());
        var attachment = mixed.getBodyPart(1);
        assertEquals("report ü.pdf", MimeUtility.decodeText(attachment.getFileName()));
        assertTrue(attachment.isMimeType("application/pdf"));
        assertEquals("%PDF-1.4", new String(attachment.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        assertEquals(List.of("to@example.com", "cc@example.com", "hidden@example.com"),
                Arrays.stream(composer.envelope(email)).map(Object::toString).toList());
    }
}
