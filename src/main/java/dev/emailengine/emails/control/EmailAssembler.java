package dev.emailengine.emails.control;

import dev.emailengine.emails.entity.EmailRequest;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.templates.control.Templates;
import dev.emailengine.templates.entity.RenderedEmail;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the rules of an email request and produces the fully rendered message to queue. Every
 * broken rule is reported at once; nothing is queued unless all hold.
 */
public class EmailAssembler {

    private final long maxBodyBytes;
    private final Templates templates;

    public EmailAssembler(long maxBodyBytes, Templates templates) {
        this.maxBodyBytes = maxBodyBytes;
        this.templates = templates;
    }

    public EmailMessage assemble(EmailRequest request) {
        return request.templateName() != null ? fromTemplate(request) : plain(request);
    }

    private EmailMessage plain(EmailRequest request) {
        var errors = new ArrayList<FieldError>();
        String to = HeaderValues.address("to_email", request.toEmail(), errors);
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

    /**
     * Subject and body come from the template (an explicit subject wins); its files decide the
     * MIME shape. Rendering happens here, before anything is queued.
     */
    private EmailMessage fromTemplate(EmailRequest request) {
        var errors = new ArrayList<FieldError>();
        String to = HeaderValues.address("to_email", request.toEmail(), errors);
        String subjectOverride = request.subject() == null ? null : subject(request.subject(), errors);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(400, "Invalid request", errors);
        }
        RenderedEmail rendered = templates.render(request.templateName(), request.templateVars(), subjectOverride);
        String subject = subject(rendered.subject(), errors);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(400, "Invalid request", errors);
        }
        checkSize("body", rendered.text());
        checkSize("body", rendered.html());
        return new EmailMessage(to, subject, rendered.text(), rendered.html());
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
