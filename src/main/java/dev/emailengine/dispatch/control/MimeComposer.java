package dev.emailengine.dispatch.control;

import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.QueuedEmail;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Date;

/** Turns a queued email into the MIME message that goes on the wire. */
public class MimeComposer {

    private static final String UTF_8 = StandardCharsets.UTF_8.name();

    private final InternetAddress from;
    private final String messageIdDomain;

    public MimeComposer(String senderEmail, String senderName) {
        try {
            this.from = new InternetAddress(senderEmail, true);
            if (senderName != null && !senderName.isBlank()) {
                from.setPersonal(senderName, UTF_8);
            }
        } catch (MessagingException | UnsupportedEncodingException e) {
            throw new IllegalArgumentException("SENDER_EMAIL is not a valid address: " + senderEmail, e);
        }
        int at = senderEmail.lastIndexOf('@');
        this.messageIdDomain = at > 0 ? senderEmail.substring(at + 1) : "email-engine.local";
    }

    /**
     * The Message-ID is derived from the queue id, so a resend after a crash or an ambiguous
     * failure carries the same id and receivers can recognise the duplicate.
     */
    public String messageIdOf(String queueId) {
        return "<" + queueId + "@" + messageIdDomain + ">";
    }

    public MimeMessage compose(Session session, QueuedEmail email) throws MessagingException {
        EmailMessage content = email.message();
        var message = new FixedIdMimeMessage(session, messageIdOf(email.id()));
        message.setFrom(from);
        message.setRecipient(RecipientType.TO, new InternetAddress(content.toEmail(), true));
        message.setSubject(content.subject() == null ? "" : content.subject(), UTF_8);
        message.setSentDate(new Date());
        if (content.isMultipart()) {
            var alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(part(content.textBody(), "plain"));
            alternative.addBodyPart(part(content.htmlBody(), "html"));
            message.setContent(alternative);
        } else if (content.htmlBody() != null) {
            message.setText(content.htmlBody(), UTF_8, "html");
        } else {
            message.setText(content.textBody() == null ? "" : content.textBody(), UTF_8, "plain");
        }
        message.saveChanges();
        return message;
    }

    private static MimeBodyPart part(String text, String subtype) throws MessagingException {
        var part = new MimeBodyPart();
        part.setText(text, UTF_8, subtype);
        return part;
    }

    /** MimeMessage replaces Message-ID on every save; this keeps ours. */
    private static final class FixedIdMimeMessage extends MimeMessage {
        private final String messageId;

        FixedIdMimeMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
