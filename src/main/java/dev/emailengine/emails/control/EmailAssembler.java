package dev.emailengine.emails.control;

import dev.emailengine.emails.entity.EmailRequest;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.entity.EmailMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Applies the rules of a plain (non-template) email and produces the message to queue. Every
 * broken rule is reported at once; nothing is queued unless all hold.
 */
public class EmailAssembler {

    static final Pattern TEMPLATE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final long maxBodyBytes;

    public EmailAssembler(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public EmailMessage assemble(EmailRequest request) {
        var errors = new ArrayList<FieldError>();
        String to = HeaderValues.address("to_email", request.toEmail(), errors);
        if (request.templateName() != null) {
            if (!TEMPLATE_NAME.matcher(request.templateName()).matches()) {
                errors.add(new FieldError("template_name", "must be 1 to 64 of A-Z, a-z, 0-9, _ and -"));
            } else {
                errors.add(new FieldError("template_name", "unknown template '" + request.templateName() + "'"));
            }
            throw new InvalidInputException(400, "Invalid request", errors);
        }
        String subject = subject(request.subject(), errors);
        if (request.body() == null || request.body().isBlank()) {
            errors.add(new FieldError("body", "is required unless template_name is given"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(400, "Invalid request", errors);
        }
        checkSize("body", request.body());
        checkSize("html_body", request.htmlBody());
        return switch (request.format()) {
            case PLAIN -> new EmailMessage(to, subject, request.body(), null);
            case HTML -> new EmailMessage(to, subject, null, request.body());
            // The original sent the body as both parts; html_body lets a client give a real HTML part.
            case MULTIPART -> new EmailMessage(to, subject, request.body(),
                    request.htmlBody() != null ? request.htmlBody() : request.body());
        };
    }

    private static String subject(String subject, List<FieldError> errors) {
        if (subject == null) {
            errors.add(new FieldError("subject", "is required unless template_name is given"));
            return null;
        }
        if (HeaderValues.hasLineBreak(subject)) {
            errors.add(new FieldError("subject", "must not contain line breaks"));
            return null;
        }
        if (subject.length() > HeaderValues.MAX_SUBJECT_LENGTH) {
            errors.add(new FieldError("subject", "is longer than " + HeaderValues.MAX_SUBJECT_LENGTH + " characters"));
            return null;
        }
        return subject;
    }

    private void checkSize(String field, String text) {
        if (text != null && text.getBytes(StandardCharsets.UTF_8).length > maxBodyBytes) {
            throw InvalidInputException.tooLarge(field, "is larger than " + maxBodyBytes + " bytes (MAX_BODY_BYTES)");
        }
    }
}
