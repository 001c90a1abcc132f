package dev.emailengine.health.entity;

import java.time.Instant;

/** {@code GET /health} in the original's shape. */
public record Health(String status, Instant timestamp, Components components) {

    /** Each {@code "healthy"}, {@code "unhealthy"} or {@code "unhealthy: <reason>"}. */
    public record Components(String queueManager, String templateEngine, String emailSender) {
    }
}
