package dev.emailengine.emails.entity;

import java.util.Map;

/**
 * {@code POST /email} as the client sent it, types checked, rules not yet applied. Field names
 * on the wire are the original service's: to_email, subject, body, format, priority,
 * template_name, template_vars (plus html_body for a multipart email's HTML part).
 */
public record EmailRequest(
        String toEmail,
        String subject,
        String body,
        String htmlBody,
        EmailFormat format,
        int priority,
        String templateName,
        Map<String, String> templateVars) {

    public static final int DEFAULT_PRIORITY = 2;
}
