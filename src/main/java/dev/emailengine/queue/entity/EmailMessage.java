package dev.emailengine.queue.entity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What is sent, fully rendered and validated before it is queued so delivery never depends on
 * templates or on the request that produced it. A null part is absent: text only is text/plain,
 * html only is text/html, both make multipart/alternative; attachments wrap that in
 * multipart/mixed. {@code bcc} addresses go to the SMTP envelope only, never into a header.
 * {@code headers} holds only names the API allowed. Optional fields are empty, never null, so
 * queue files written before they existed read back unchanged.
 */
public record EmailMessage(
        String toEmail,
        String subject,
        String textBody,
        String htmlBody,
        String fromName,
        List<String> cc,
        List<String> bcc,
        List<String> replyTo,
        Map<String, String> headers,
        List<Attachment> attachments) {

    public EmailMessage {
        cc = cc == null ? List.of() : List.copyOf(cc);
        bcc = bcc == null ? List.of() : List.copyOf(bcc);
        replyTo = replyTo == null ? List.of() : List.copyOf(replyTo);
        // Insertion order is kept: headers go on the wire in the order the client gave them.
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /**
     * A message with nothing but a recipient, a subject and its parts. A factory, not a second
     * constructor: JSON-B needs a record to have exactly one.
     */
    public static EmailMessage of(String toEmail, String subject, String textBody, String htmlBody) {
        return new EmailMessage(toEmail, subject, textBody, htmlBody, null, null, null, null, null, null);
    }

    public boolean isMultipart() {
        return textBody != null && htmlBody != null;
    }

    /** The same message to another recipient (bulk sends one message shape to many). */
    public EmailMessage to(String recipient) {
        return new EmailMessage(recipient, subject, textBody, htmlBody, fromName, cc, bcc, replyTo, headers,
                attachments);
    }
}
