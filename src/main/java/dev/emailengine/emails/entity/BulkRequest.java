package dev.emailengine.emails.entity;

import java.util.List;
import java.util.Map;

/** {@code POST /emails}: everything an email has except its recipient, and the recipients. */
public record BulkRequest(EmailRequest shared, List<Recipient> recipients) {

    public record Recipient(String toEmail, Map<String, String> templateVars) {
    }
}
