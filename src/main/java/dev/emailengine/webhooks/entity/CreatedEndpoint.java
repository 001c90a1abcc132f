package dev.emailengine.webhooks.entity;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to {@code POST /webhooks} and to a rotation: the only time the secret is shown. */
@Schema(name = "WebhookSecret")
public record CreatedEndpoint(
        @Schema(example = "ep_3f9c2a7d1b4e8a60") String id,
        String url,
        @Schema(description = "The event types it gets; empty: all of them") List<String> events,
        @Schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", description = "whsec_ and the base64 of the key; "
                + "shown here only, keep it") String secret) {
}
