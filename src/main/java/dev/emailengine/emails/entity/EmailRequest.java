package dev.emailengine.emails.entity;

import dev.emailengine.queue.entity.Attachment;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /email} as the client sent it, types checked, rules not yet applied. Field names
 * on the wire are the original service's (to_email, subject, body, format, priority,
 * template_name, template_vars) plus this service's html_body, from_name, cc, bcc, reply_to,
 * headers, attachments and send_at.
 */
public record EmailRequest(
        String toEmail,
        String subject,
        String body,
        String htmlBody,
        EmailFormat format,
        int priority,
        String templateName,
        Map<String, String> templateVars,
        String fromName,
        List<String> cc,
        List<String> bcc,
        List<String> replyTo,
        Map<String, String> headers,
        List<Attachment> attachments,
        Instant sendAt) {

    public static final int DEFAULT_PRIORITY = 2;

    /** One recipient of a bulk request: its address, and its variables laid over the shared ones. */
    public EmailRequest forRecipient(String recipient, Map<String, String> ownVars) {
        var vars = new LinkedHashMap<>(templateVars);
        vars.putAll(ownVars);
        return new EmailRequest(recipient, subject, body, htmlBody, format, priority, templateName, vars, fromName, cc,
                bcc, replyTo, headers, attachments, sendAt);
    }
}
