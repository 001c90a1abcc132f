package dev.emailengine.emails.entity;

import dev.emailengine.platform.RequestTooLarge;
import dev.emailengine.platform.TextValues;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Null;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /emails}: every field of {@link EmailRequest} but {@code to_email} and
 * {@code attachments}, read from the same JSON object as an EmailRequest, plus the recipients.
 * The two fields an EmailRequest has and a bulk must not are here to be refused by name.
 */
@Schema(name = "BulkRequest",
        description = "Every field of EmailRequest except to_email and attachments, plus the recipients; "
                + "all or nothing.",
        example = "{\"template_name\": \"welcome\", \"recipients\": [{\"to_email\": \"ada@example.com\", "
                + "\"template_vars\": {\"name\": \"Ada\"}}, {\"to_email\": \"alan@example.com\"}]}")
public record BulkRequest(
        @Schema(hidden = true) @Null(message = "is not used by POST /emails; list recipients instead") Object toEmail,
        // Every recipient's queue file would carry its own copy; attachments go with POST /email.
        @Schema(hidden = true) @Size(max = 0, message = "are not supported in bulk; send them with POST /email")
        List<Object> attachments,
        @NotEmpty(message = "must list 1 to " + MAX_RECIPIENTS + " recipients")
        @Size(max = MAX_RECIPIENTS, payload = RequestTooLarge.class,
                message = "lists more than {max} recipients; split them over several requests")
        List<@Valid Recipient> recipients) {

    public static final int MAX_RECIPIENTS = 1000;

    @Schema(name = "BulkRecipient")
    public record Recipient(
            @NotBlank(message = "is required") @MailAddress String toEmail,
            @Schema(description = "Laid over the shared template_vars.")
            @TextValues Map<String, String> templateVars) {

        public Recipient {
            templateVars = templateVars == null ? Map.of() : templateVars;
        }
    }
}
