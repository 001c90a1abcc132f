package dev.emailengine.webhooks.entity;

import java.time.Instant;

/**
 * One event owed to one endpoint.
 *
 * @param attempts attempts made so far
 * @param nextAttemptAt when it is due (again)
 */
public record Delivery(WebhookEvent event, String endpointId, int attempts, Instant nextAttemptAt) {

    public String key() {
        return event.id() + "." + endpointId;
    }
}
