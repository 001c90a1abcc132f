package dev.emailengine.webhooks.control;

import dev.emailengine.webhooks.entity.Delivery;
import dev.emailengine.webhooks.entity.DeliveryAttempt;
import dev.emailengine.webhooks.entity.WebhookEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One delivery as the file store keeps it: the event (payload in base64), where it stands, and
 * its last attempts.
 */
public record OutboxEntry(String eventId, String type, Instant createdAt, String endpointId, String payload,
        int attempts, Instant nextAttemptAt, boolean finished, List<DeliveryAttempt> history) {

    /** Attempts kept per delivery; an event is given up after nine. */
    static final int HISTORY = 20;

    public OutboxEntry {
        history = history == null ? List.of() : List.copyOf(history);
    }

    static OutboxEntry of(WebhookEvent event, String endpointId, Instant due) {
        return new OutboxEntry(event.id(), event.type(), event.createdAt(), endpointId,
                Base64.getEncoder().encodeToString(event.payload()), 0, due, false, List.of());
    }

    Delivery delivery() {
        return new Delivery(new WebhookEvent(eventId, type, createdAt, Base64.getDecoder().decode(payload)),
                endpointId, attempts, nextAttemptAt);
    }

    String key() {
        return eventId + "." + endpointId;
    }

    OutboxEntry after(DeliveryAttempt attempt, Instant next) {
        var kept = new ArrayList<>(history);
        kept.add(attempt);
        if (kept.size() > HISTORY) {
            kept.subList(0, kept.size() - HISTORY).clear();
        }
        return new OutboxEntry(eventId, type, createdAt, endpointId, payload, attempts + 1,
                next == null ? nextAttemptAt : next, next == null, kept);
    }

    OutboxEntry replayed(Instant now) {
        return new OutboxEntry(eventId, type, createdAt, endpointId, payload, attempts, now, false, history);
    }
}
