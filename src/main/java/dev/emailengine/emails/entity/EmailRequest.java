package dev.emailengine.emails.entity;

import dev.emailengine.platform.OneOrMany;
import dev.emailengine.platform.SingleLine;
import dev.emailengine.platform.TextValues;
import dev.emailengine.suppressions.entity.ListIds;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /email} as the client sent it. Field names on the wire are the original service's
 * (to_email, subject, body, format, priority, template_name, template_vars) plus this service's
 * html_body, from_name, cc, bcc, reply_to, headers, attachments, send_at and list_id. Unknown fields are
 * ignored on purpose, as the original service ignored them. The constraints here hold for every
 * request; the rules that need the templates, the clock or the configured limits are applied
 * when the email is assembled.
 */
@Schema(name = "EmailRequest", description = "Unknown fields are ignored, as the original service ignored them.")
public record EmailRequest(
        @Schema(example = "user@example.com")
        @NotBlank(groups = Single.class, message = "is required") @MailAddress String toEmail,
        @Schema(example = "Welcome Email",
                description = "Required unless template_name is given; no line breaks")
        @SingleLine(message = "must not contain line breaks")
        @Size(max = MAX_HEADER_LENGTH, message = "is longer than {max} characters") String subject,
        @Schema(example = "Welcome to our service.",
                description = "Required unless template_name is given; at most MAX_BODY_BYTES") String body,
        @Schema(description = "The HTML part of a multipart email (default: body)") String htmlBody,
        @Schema(defaultValue = "plain") EmailFormat format,
        @Schema(defaultValue = "2", description = "1 high, 2 normal, 3 low")
        @Min(value = 1, message = PRIORITIES) @Max(value = 3, message = PRIORITIES) Integer priority,
        @Schema(pattern = "^[A-Za-z0-9_-]{1,64}$", example = "welcome") String templateName,
        @Schema(example = "{\"name\": \"Ada\"}")
        @TextValues Map<String, String> templateVars,
        @Schema(example = "Billing Team",
                description = "Display name; the address is always SENDER_EMAIL")
        @SingleLine @Size(max = MAX_NAME_LENGTH, message = "is longer than {max} characters") String fromName,
        @OneOrMany @Size(max = MAX_ADDRESSES, message = "has more than {max} entries")
        List<@NotBlank(message = "is required") @MailAddress String> cc,
        @OneOrMany @Size(max = MAX_ADDRESSES, message = "has more than {max} entries")
        List<@NotBlank(message = "is required") @MailAddress String> bcc,
        @OneOrMany @Size(max = MAX_ADDRESSES, message = "has more than {max} entries")
        List<@NotBlank(message = "is required") @MailAddress String> replyTo,
        @Schema(description = "X-*, List-Unsubscribe, List-Unsubscribe-Post, List-Id, List-Help, Auto-Submitted, "
                + "Precedence, In-Reply-To, References",
                example = "{\"List-Unsubscribe\": \"<https://example.com/unsubscribe>\", \"X-Campaign\": \"november\"}")
        @Size(max = MAX_HEADERS, message = "has more than {max} entries")
        Map<String, @SingleLine @Size(max = MAX_HEADER_LENGTH, message = "is longer than {max} characters") String> headers,
        @Size(max = MAX_ATTACHMENTS, message = "has more than {max} entries")
        List<@Valid AttachmentUpload> attachments,
        @Schema(example = "2030-01-31T09:00:00Z", description = "Not sent before this instant (at most a year ahead)")
        Instant sendAt,
        @Schema(example = "newsletter", pattern = ListIds.PATTERN,
                description = "The mailing list the email belongs to: its recipients can unsubscribe from that list"
                        + " alone (List-Unsubscribe headers and {{unsubscribe_url}} when PUBLIC_BASE_URL is set), and an"
                        + " address unsubscribed from it is not sent it. POST /email without it: transactional mail,"
                        + " no unsubscribe link; POST /emails without it: the list \"default\". Case-sensitive. With"
                        + " PUBLIC_BASE_URL set, list mail takes no cc or bcc (422)")
        @Pattern(regexp = ListIds.PATTERN, message = ListIds.RULE) String listId) {

    /** The rules of a single email, beyond those every request shares with a bulk one. */
    public interface Single {
    }

    public static final int DEFAULT_PRIORITY = 2;
    /** More would be a mailing list, which is what {@code POST /emails} is for. */
    public static final int MAX_ADDRESSES = 50;
    public static final int MAX_ATTACHMENTS = 20;
    public static final int MAX_HEADERS = 50;
    /** RFC 5322's line limit; a longer subject or header is a mistake, not an email. */
    public static final int MAX_HEADER_LENGTH = 998;
    /** A display name (from_name) longer than this is not a name. */
    public static final int MAX_NAME_LENGTH = 200;
    static final String PRIORITIES = "must be 1 (high), 2 (normal) or 3 (low)";

    public EmailRequest {
        format = format == null ? EmailFormat.PLAIN : format;
        priority = priority == null ? DEFAULT_PRIORITY : priority;
        templateVars = templateVars == null ? Map.of() : templateVars;
        cc = cc == null ? List.of() : cc;
        bcc = bcc == null ? List.of() : bcc;
        replyTo = replyTo == null ? List.of() : replyTo;
        headers = headers == null ? Map.of() : headers;
        attachments = attachments == null ? List.of() : attachments;
    }

    /** One recipient of a bulk request: its address, and its variables laid over the shared ones. */
    public EmailRequest forRecipient(String recipient, Map<String, String> ownVars) {
        var vars = new LinkedHashMap<>(templateVars);
        vars.putAll(ownVars);
        return new EmailRequest(recipient, subject, body, htmlBody, format, priority, templateName, vars, fromName, cc,
                bcc, replyTo, headers, attachments, sendAt, listId);
    }
}
