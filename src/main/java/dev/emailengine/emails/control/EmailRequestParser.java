package dev.emailengine.emails.control;

import dev.emailengine.emails.entity.EmailFormat;
import dev.emailengine.emails.entity.EmailRequest;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.templates.control.TemplateVars;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps the JSON of {@code POST /email} onto {@link EmailRequest}, checking types and reporting
 * every wrong field at once. Unknown fields are ignored, as the original service ignored them,
 * so clients that send extra fields keep working.
 */
public class EmailRequestParser {

    public EmailRequest parse(JsonObject json) {
        var errors = new ArrayList<FieldError>();
        String toEmail = JsonFields.string(json, "to_email", errors);
        String subject = JsonFields.string(json, "subject", errors);
        String body = JsonFields.string(json, "body", errors);
        String htmlBody = JsonFields.string(json, "html_body", errors);
        String formatText = JsonFields.string(json, "format", errors);
        EmailFormat format = EmailFormat.PLAIN;
        if (formatText != null) {
            format = EmailFormat.parse(formatText).orElse(null);
            if (format == null) {
                errors.add(new FieldError("format", "must be one of plain, html, multipart"));
            }
        }
        int priority = priority(json, errors);
        String templateName = JsonFields.string(json, "template_name", errors);
        Map<String, String> templateVars = TemplateVars.parse(json.get("template_vars"), errors);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(400, "Invalid request", errors);
        }
        return new EmailRequest(toEmail, subject, body, htmlBody, format, priority, templateName, templateVars);
    }

    /** 1 high, 2 normal, 3 low. A numeric string is accepted, as the original's model coerced it. */
    private static int priority(JsonObject json, List<FieldError> errors) {
        JsonValue value = json.get("priority");
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
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

}
