package dev.emailengine.webhooks.entity;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /webhooks}. */
@Schema(name = "WebhookRequest")
public record WebhookRequest(
        @Schema(example = "https://crm.example.com/hooks/email", description = "http or https, at most 2048 characters;"
                + " a host resolving to a private, loopback or link-local address is refused (422) unless"
                + " WEBHOOK_ALLOW_PRIVATE=true")
        @NotBlank(message = "is required") @Size(max = MAX_URL, message = "is longer than {max} characters") String url,
        @Schema(description = "Event types to send (email.sent, email.deferred, email.bounced, email.dead_lettered,"
                + " email.suppressed, email.unsubscribed, email.cancelled); empty or absent: all")
        @Size(max = 20, message = "has more than {max} entries") List<String> events) {

    public static final int MAX_URL = 2048;
}
