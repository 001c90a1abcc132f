package dev.emailengine.emails.control;

import dev.emailengine.emails.entity.EmailRequest;
import dev.emailengine.platform.SingleLine;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.entity.Attachment;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.templates.control.Templates;
import dev.emailengine.templates.entity.RenderedEmail;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies the rules of an email request that need the templates, the clock or the configured
 * limits (the request's own constraints hold already) and produces the fully rendered message to
 * queue. Every broken rule is reported at once; nothing is queued unless all hold.
 */
public class EmailAssembler {

    /** How far a send_at may lie in the past (client clock skew) and still mean "now". */
    static final Duration SEND_AT_TOLERANCE = Duration.ofMinutes(1);
    static final Duration SEND_AT_HORIZON = Duration.ofDays(366);

    public record Limits(long maxBodyBytes, long maxAttachmentBytes) {
    }

    private final Limits limits;
    private final Templates templates;
    private final Clock clock;

    public EmailAssembler(Limits limits, Templates templates, Clock clock) {
        this.limits = limits;
        this.templates = templates;
        this.clock = clock;
    }

    public EmailMessage assemble(EmailRequest request) {
        return request.templateName() != null ? fromTemplate(request) : plain(request);
    }

    /**
     * When the email may first be sent: now, or a send_at within the next year. A send_at up to a
     * minute in the past is taken as now (clocks differ); earlier is refused as a likely mistake.
     */
    public Instant dueAt(EmailRequest request) {
        Instant now = clock.instant();
        Instant sendAt = request.sendAt();
        if (sendAt == null || !sendAt.isAfter(now)) {
            if (sendAt != null && sendAt.isBefore(now.minus(SEND_AT_TOLERANCE))) {
                throw InvalidInputException.badRequest("send_at", "is in the past");
            }
            return now;
        }
        if (sendAt.isAfter(now.plus(SEND_AT_HORIZON))) {
            throw InvalidInputException.badRequest("send_at", "is more than a year ahead");
        }
        return sendAt;
    }

    private EmailMessage plain(EmailRequest request) {
        var errors = new ArrayList<FieldError>();
        String to = request.toEmail().strip();
        String subject = subject(request.subject(), errors);
        if (request.body() == null || request.body().isBlank()) {
            errors.add(new FieldError("body", "is required unless template_name is given"));
        }
        Options options = options(request, errors);
        failOn(errors);
        checkSize("body", request.body());
        checkSize("html_body", request.htmlBody());
        return switch (request.format()) {
            case PLAIN -> options.message(to, subject, request.body(), null);
            case HTML -> options.message(to, subject, null, request.body());
            // The original sent the body as both parts; html_body lets a client give a real HTML part.
            case MULTIPART -> options.message(to, subject, request.body(),
                    request.htmlBody() != null ? request.htmlBody() : request.body());
        };
    }

    /**
     * Subject and body come from the template (an explicit subject wins); its files decide the
     * MIME shape. Rendering happens here, before anything is queued.
     */
    private EmailMessage fromTemplate(EmailRequest request) {
        var errors = new ArrayList<FieldError>();
        String to = request.toEmail().strip();
        String subjectOverride = request.subject();
        Options options = options(request, errors);
        failOn(errors);
        // The renderer stops at the limit: a small template can expand far past it.
        RenderedEmail rendered = templates.render(request.templateName(), request.templateVars(), subjectOverride,
                limits.maxBodyBytes());
        String subject = subject(rendered.subject(), errors);
        failOn(errors);
        return options.message(to, subject, rendered.text(), rendered.html());
    }

    /** Everything beyond recipient, subject and body, validated. */
    private record Options(String fromName, List<String> cc, List<String> bcc, List<String> replyTo,
            Map<String, String> headers, List<Attachment> attachments) {

        EmailMessage message(String to, String subject, String text, String html) {
            return new EmailMessage(to, subject, text, html, fromName, cc, bcc, replyTo, headers, attachments);
        }
    }

    private Options options(EmailRequest request, List<FieldError> errors) {
        return new Options(
                request.fromName() == null || request.fromName().isBlank() ? null : request.fromName().strip(),
                stripped(request.cc()),
                stripped(request.bcc()),
                stripped(request.replyTo()),
                CustomHeaders.check(request.headers(), errors),
                Attachments.check(request.attachments(), limits.maxAttachmentBytes(), errors));
    }

    private static void failOn(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new InvalidInputException(400, "Invalid request", errors);
        }
    }

    private static List<String> stripped(List<String> addresses) {
        return addresses.stream().map(String::strip).toList();
    }

    /** The request's subject was checked with the request; a rendered one is checked here. */
    private static String subject(String subject, List<FieldError> errors) {
        if (subject == null) {
            errors.add(new FieldError("subject", "is required unless template_name is given"));
            return null;
        }
        if (!SingleLine.Validator.isSingleLine(subject)) {
            errors.add(new FieldError("subject", "must not contain line breaks"));
            return null;
        }
        if (subject.length() > EmailRequest.MAX_HEADER_LENGTH) {
            errors.add(new FieldError("subject", "is longer than " + EmailRequest.MAX_HEADER_LENGTH + " characters"));
            return null;
        }
        return subject;
    }

    private void checkSize(String field, String text) {
        if (text != null && text.getBytes(StandardCharsets.UTF_8).length > limits.maxBodyBytes()) {
            throw InvalidInputException.tooLarge(field,
                    "is larger than " + limits.maxBodyBytes() + " bytes (MAX_BODY_BYTES)");
        }
    }
}
