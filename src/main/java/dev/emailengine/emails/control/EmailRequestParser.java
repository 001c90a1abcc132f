package dev.emailengine.emails.control;

import dev.emailengine.emails.entity.EmailFormat;
import dev.emailengine.emails.entity.EmailRequest;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.entity.Attachment;
import dev.emailengine.templates.control.TemplateVars;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps the JSON of {@code POST /email} (and the shared part of {@code POST /emails}) onto
 * {@link EmailRequest}, checking types and reporting every wrong field at once. Unknown fields
 * are ignored on purpose, as the original service ignored them, so clients that send extra
 * fields keep working; the README says so.
 */
public class EmailRequestParser {

    /** More would be a mailing list, which is what {@code POST /emails} is for. */
    static final int MAX_ADDRESSES_PER_FIELD = 50;
    static final int MAX_ATTACHMENTS = 20;

    public EmailRequest parse(JsonObject json) {
        var errors = new ArrayList<FieldError>();
        EmailRequest request = parse(json, errors);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(400, "Invalid request", errors);
        }
        return request;
    }

    /** Records what is wrong in {@code errors} instead of throwing, for callers that check more. */
    public EmailRequest parse(JsonObject json, List<FieldError> errors) {
        String toEmail = JsonFields.string(json, "to_email", errors);
        String subject = JsonFields.string(json, "subject", errors);
        String body = JsonFields.string(json, "body", errors);
        String htmlBody = JsonFields.string(json, "html_body", errors);
        EmailFormat format = format(json, errors);
        int priority = priority(json, errors);
        String templateName = JsonFields.string(json, "template_name", errors);
        Map<String, String> templateVars = TemplateVars.parse(json.get("template_vars"), errors);
        String fromName = JsonFields.string(json, "from_name", errors);
        List<String> cc = JsonFields.stringOrList(json, "cc", MAX_ADDRESSES_PER_FIELD, errors);
        List<String> bcc = JsonFields.stringOrList(json, "bcc", MAX_ADDRESSES_PER_FIELD, errors);
        List<String> replyTo = JsonFields.stringOrList(json, "reply_to", MAX_ADDRESSES_PER_FIELD, errors);
        Map<String, String> headers = JsonFields.stringMap(json, "headers", errors);
        List<Attachment> attachments = attachments(json, errors);
        Instant sendAt = sendAt(json, errors);
        return new EmailRequest(toEmail, subject, body, htmlBody, format, priority, templateName, templateVars,
                fromName, cc, bcc, replyTo, headers, attachments, sendAt);
    }

    private static EmailFormat format(JsonObject json, List<FieldError> errors) {
        String text = JsonFields.string(json, "format", errors);
        if (text == null) {
            return EmailFormat.PLAIN;
        }
        return EmailFormat.parse(text).orElseGet(() -> {
            errors.add(new FieldError("format", "must be one of plain, html, multipart"));
            return EmailFormat.PLAIN;
        });
    }

    /** 1 high, 2 normal, 3 low. A numeric string is accepted, as the original's model coerced it. */
    private static int priority(JsonObject json, List<FieldError> errors) {
        JsonValue value = json.get("priority");
        if (JsonFields.isAbsent(value)) {
            return EmailRequest.DEFAULT_PRIORITY;
        }
        Integer priority = null;
        if (value instanceof JsonNumber n && n.isIntegral()) {
            priority = n.bigIntegerValue().bitLength() < 32 ? n.intValue() : null;
        } else if (value instanceof JsonString s && s.getString().strip().matches("[0-9]{1,9}")) {
            priority = Integer.valueOf(s.getString().strip());
        }
        if (priority == null || priority < 1 || priority > 3) {
            errors.add(new FieldError("priority", "must be 1 (high), 2 (normal) or 3 (low)"));
            return EmailRequest.DEFAULT_PRIORITY;
        }
        return priority;
    }

    private static List<Attachment> attachments(JsonObject json, List<FieldError> errors) {
        List<JsonObject> items = JsonFields.objects(json, "attachments", errors);
        if (items.size() > MAX_ATTACHMENTS) {
            errors.add(new FieldError("attachments", "has more than " + MAX_ATTACHMENTS + " entries"));
            return List.of();
        }
        var result = new ArrayList<Attachment>();
        for (int i = 0; i < items.size(); i++) {
            String prefix = "attachments[" + i + "].";
            JsonObject item = items.get(i);
            String filename = JsonFields.string(item.get("filename"), prefix + "filename", errors);
            String contentType = JsonFields.string(item.get("content_type"), prefix + "content_type", errors);
            String content = JsonFields.string(item.get("content_base64"), prefix + "content_base64", errors);
            if (JsonFields.isAbsent(item.get("content_base64"))) {
                errors.add(new FieldError(prefix + "content_base64", "is required"));
            }
            result.add(new Attachment(filename, contentType, content));
        }
        return result;
    }

    /** ISO-8601 with an offset or Z; a time without a zone is ambiguous and refused. */
    private static Instant sendAt(JsonObject json, List<FieldError> errors) {
        String text = JsonFields.string(json, "send_at", errors);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text.strip()).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(new FieldError("send_at",
                    "must be an ISO-8601 date-time with a zone offset, such as 2030-01-31T09:00:00Z"));
            return null;
        }
    }
}
