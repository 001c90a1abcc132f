package dev.emailengine.webhooks.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One attempt at delivering an event, as {@code GET /webhooks/{id}/deliveries} lists it. */
@Schema(name = "WebhookDeliveryAttempt")
public record DeliveryAttempt(
        @Schema(example = "msg_2b7f0c1e9a4d6e8f3a5c7b9d") String eventId,
        @Schema(example = "email.sent") String type,
        @Schema(description = "1 for the first attempt") int attempt,
        @Schema(description = "The receiver's HTTP status; null when there was none (connection refused, timeout)")
        @JsonbNillable Integer statusCode,
        @Schema(description = "What went wrong; null after a 2xx") @JsonbNillable String error,
        @Schema(enumeration = {"delivered", "retrying", "failed", "disabled"},
                description = "What followed: done, another attempt later, given up, or the endpoint disabled (410)")
        String outcome,
        Instant at) {

    public static final String DELIVERED = "delivered";
    public static final String RETRYING = "retrying";
    public static final String FAILED = "failed";
    public static final String DISABLED = "disabled";
}
