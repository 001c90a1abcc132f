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
@Schema(name = "BulkRecipients")
public record BulkRequest(
        @Schema(hidden = true) @Null(message = "is not used by POST /emails; list recipients instead") Object toEmail,
        // Every recipient's queue file would carry its own copy; attachments go with POST /email.
        @Schema(hidden = true) @Size(max = 0, message = "are not supported in bulk; send them with POST /email")
        List<Object> attachments,
        @Schema(required = true, minItems = 1, maxItems = MAX_RECIPIENTS)
        @NotEmpty(message = "must list 1 to " + MAX_RECIPIENTS + " recipients")
        @Size(max = MAX_RECIPIENTS, payload = RequestTooLarge.class,
                message = "lists more than {max} recipients; split them over several requests")
        List<@Valid Recipient> recipients) {

    public static final int MAX_RECIPIENTS = 1000;

    @Schema(name = "BulkRecipient")
    public record Recipient(
            @Schema(required = true, format = "email") @NotBlank(message = "is required") @MailAddress String toEmail,
            @Schema(ref = "TemplateVars") @TextValues Map<String, String> templateVars) {

        public Recipient {
            templateVars = templateVars == null ? Map.of() : templateVars;
        }
    }
}
