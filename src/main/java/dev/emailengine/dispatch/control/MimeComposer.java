package dev.emailengine.dispatch.control;

import dev.emailengine.dkim.control.DkimKeys;
import dev.emailengine.queue.entity.Attachment;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.QueuedEmail;
import jakarta.activation.DataHandler;
import jakarta.mail.Address;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** Turns a queued email into the MIME message that goes on the wire, and the envelope it goes to. */
public class MimeComposer {

    private static final String UTF_8 = StandardCharsets.UTF_8.name();

    private final InternetAddress from;
    private final String messageIdDomain;
    private final DkimKeys dkim;

    public MimeComposer(String senderEmail, String senderName) {
        this(senderEmail, senderName, DkimKeys.none());
    }

    /** @param dkim signs each message last, when its From domain has a key */
    public MimeComposer(String senderEmail, String senderName, DkimKeys dkim) {
        this.dkim = dkim;
        this.from = sender(senderEmail, senderName);
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

    /**
     * The SMTP envelope: the recipients (to, cc and bcc) still to send to, so a retry reaches only
     * those that did not get the email yet while the headers stay as written. Bcc is here and
     * nowhere in the message itself.
     */
    public Address[] envelope(QueuedEmail email) throws AddressException {
        return parse(email.unfinishedAddresses()).toArray(Address[]::new);
    }

    public MimeMessage compose(Session session, QueuedEmail email) throws MessagingException {
        EmailMessage content = email.message();
        var message = new FixedIdMimeMessage(session, messageIdOf(email.id()));
        // The address is always SENDER_EMAIL (what the SMTP server authenticates); a client may only name it.
        message.setFrom(content.fromName() == null ? from : sender(from.getAddress(), content.fromName()));
        message.setRecipient(RecipientType.TO, new InternetAddress(content.toEmail(), true));
        if (!content.cc().isEmpty()) {
            message.setRecipients(RecipientType.CC, parse(content.cc()).toArray(Address[]::new));
        }
        if (!content.replyTo().isEmpty()) {
            message.setReplyTo(parse(content.replyTo()).toArray(Address[]::new));
        }
        message.setSubject(content.subject() == null ? "" : content.subject(), UTF_8);
        message.setSentDate(new Date());
        for (Map.Entry<String, String> header : content.headers().entrySet()) {
            message.setHeader(header.getKey(), encoded(header.getValue()));
        }
        if (content.attachments().isEmpty()) {
            setBody(message, content);
        } else {
            var mixed = new MimeMultipart("mixed");
            var body = new MimeBodyPart();
            setBody(body, content);
            mixed.addBodyPart(body);
            for (Attachment attachment : content.attachments()) {
                mixed.addBodyPart(attachmentPart(attachment));
            }
            MultipartContent.setContent(message, mixed);
        }
        message.saveChanges();
        return dkim.sign(session, message);
    }

    private static void setBody(MimePart target, EmailMessage content) throws MessagingException {
        if (content.isMultipart()) {
            var alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(textPart(content.textBody(), "plain"));
            alternative.addBodyPart(textPart(content.htmlBody(), "html"));
            MultipartContent.setContent(target, alternative);
        } else if (content.htmlBody() != null) {
            target.setText(content.htmlBody(), UTF_8, "html");
        } else {
            target.setText(content.textBody() == null ? "" : content.textBody(), UTF_8, "plain");
        }
    }

    private static MimeBodyPart textPart(String text, String subtype) throws MessagingException {
        var part = new MimeBodyPart();
        part.setText(text, UTF_8, subtype);
        return part;
    }

    private static MimeBodyPart attachmentPart(Attachment attachment) throws MessagingException {
        var part = new MimeBodyPart();
        byte[] bytes = Base64.getDecoder().decode(attachment.contentBase64());
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(bytes, attachment.contentType())));
        part.setDisposition(MimeBodyPart.ATTACHMENT);
        // Always base64: a 7bit or quoted-printable body may have its line endings rewritten in
        // transit, and an attachment must arrive byte for byte.
        part.setHeader("Content-Transfer-Encoding", "base64");
        try {
            part.setFileName(MimeUtility.encodeText(attachment.filename(), UTF_8, null));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
        return part;
    }

    private static String encoded(String value) {
        try {
            return MimeUtility.fold(0, MimeUtility.encodeText(value, UTF_8, null));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    private static List<InternetAddress> parse(List<String> addresses) throws AddressException {
        var parsed = new ArrayList<InternetAddress>();
        for (String address : addresses) {
            parsed.add(new InternetAddress(address, true));
        }
        return parsed;
    }

    private static InternetAddress sender(String email, String name) {
        try {
            var address = new InternetAddress(email, true);
            if (name != null && !name.isBlank()) {
                address.setPersonal(name, UTF_8);
            }
            return address;
        } catch (MessagingException | UnsupportedEncodingException e) {
            throw new IllegalArgumentException("SENDER_EMAIL is not a valid address: " + email, e);
        }
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
