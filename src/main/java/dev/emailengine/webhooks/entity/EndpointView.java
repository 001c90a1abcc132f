package dev.emailengine.webhooks.entity;

import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An endpoint as {@code GET /webhooks} shows it: never its secret. */
@Schema(name = "WebhookEndpoint")
public record EndpointView(
        @Schema(example = "ep_3f9c2a7d1b4e8a60") String id,
        @Schema(example = "https://crm.example.com/hooks/email") String url,
        @Schema(description = "The event types it gets; empty: all of them") List<String> events,
        @Schema(description = "True once a receiver answered 410 Gone: nothing more is sent to it") boolean disabled,
        Instant createdAt) {

    public static EndpointView of(WebhookEndpoint endpoint) {
        return new EndpointView(endpoint.id(), endpoint.url(), endpoint.events(), endpoint.disabled(),
                endpoint.createdAt());
    }
}
