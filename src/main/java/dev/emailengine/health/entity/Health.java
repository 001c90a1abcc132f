package dev.emailengine.health.entity;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /health} in the original's shape. */
public record Health(@Schema(enumeration = {"healthy", "degraded"}) String status, Instant timestamp,
        Components components) {

    /** Each {@code "healthy"}, {@code "unhealthy"} or {@code "unhealthy: <reason>"}. */
    public record Components(String queueManager, String templateEngine,
            @Schema(example = "unhealthy: Connection refused", description = "healthy, or unhealthy: <reason>; the "
                    + "reason only for a caller with an API key (or when no keys are configured)")
            String emailSender) {
    }
}
