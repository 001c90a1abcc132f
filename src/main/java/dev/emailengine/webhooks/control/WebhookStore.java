package dev.emailengine.webhooks.control;

import dev.emailengine.webhooks.entity.Delivery;
import dev.emailengine.webhooks.entity.DeliveryAttempt;
import dev.emailengine.webhooks.entity.WebhookEndpoint;
import dev.emailengine.webhooks.entity.WebhookEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where endpoints and the outbox are kept: files for one instance ({@link FileWebhookStore}), or
 * the queue's PostgreSQL, shared by every instance ({@link PgWebhookStore}). Both pass the same
 * contract tests. Every change is durable when the call returns; storage failures throw
 * {@link WebhookStorageException}.
 */
public interface WebhookStore {

    /**
     * Stores a new endpoint unless {@code max} exist already.
     *
     * @return false when there were {@code max} endpoints, and nothing was stored
     */
    boolean addEndpoint(WebhookEndpoint endpoint, int max);

    List<WebhookEndpoint> endpoints();

    Optional<WebhookEndpoint> endpoint(String id);

    /** Replaces an endpoint (a rotated secret, disabled); false when it is gone. */
    boolean updateEndpoint(WebhookEndpoint endpoint);

    /** Removes the endpoint and what it was still owed; false when there was none. */
    boolean removeEndpoint(String id);

    /** Records the event, owed to each of the endpoints, due at {@code due}. */
    void record(WebhookEvent event, Collection<String> endpointIds, Instant due);

    /**
     * Up to {@code limit} due deliveries, each now leased to the caller for {@code lease}: no
     * other caller gets it until the lease ends (then it is due again: at least once).
     */
    List<Delivery> claim(Instant now, int limit, Duration lease);

    /**
     * Records an attempt at a claimed delivery: due again at {@code nextAttemptAt}, or finished
     * (delivered or given up, kept for replay) when that is null. Ignored when the delivery is no
     * longer owed (its endpoint was removed).
     */
    void attempted(Delivery delivery, DeliveryAttempt attempt, Instant nextAttemptAt);

    /** The endpoint's most recent attempts, newest first. */
    List<DeliveryAttempt> attempts(String endpointId, int limit);

    /** Makes an event owed to the endpoint due at {@code now} again, finished or not; false when unknown. */
    boolean replay(String endpointId, String eventId, Instant now);

    /** Deletes finished deliveries older than {@code before}; returns how many. */
    int purgeFinished(Instant before);

    /** Where it is kept, for the start-up log. */
    String description();
}
