package dev.emailengine.webhooks.entity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A registered receiver, secrets included (never shown by {@code GET}: see {@link EndpointView}).
 *
 * @param events the event types it gets ({@link EventType#wireName()}); all of them when empty
 * @param previousSecret the secret before the last rotation, still signing until
 *            {@code previousSecretUntil}; null when there is none
 */
public record WebhookEndpoint(String id, String url, List<String> events, String secret, String previousSecret,
        Instant previousSecretUntil, boolean disabled, Instant createdAt) {

    public WebhookEndpoint {
        events = events == null ? List.of() : List.copyOf(events);
    }

    public boolean wants(String type) {
        return !disabled && (events.isEmpty() || events.contains(type));
    }

    /** The secrets that sign a delivery at {@code now}: the current one, and the previous during its overlap. */
    public List<String> signingSecrets(Instant now) {
        var secrets = new ArrayList<String>(2);
        secrets.add(secret);
        if (previousSecret != null && previousSecretUntil != null && now.isBefore(previousSecretUntil)) {
            secrets.add(previousSecret);
        }
        return secrets;
    }

    public WebhookEndpoint rotated(String newSecret, Instant previousUntil) {
        return new WebhookEndpoint(id, url, events, newSecret, secret, previousUntil, disabled, createdAt);
    }

    public WebhookEndpoint withDisabled(boolean value) {
        return new WebhookEndpoint(id, url, events, secret, previousSecret, previousSecretUntil, value, createdAt);
    }
}
