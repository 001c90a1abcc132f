package dev.emailengine.webhooks.control;

import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.EmailDetails;
import dev.emailengine.queue.entity.EmailEvent;
import dev.emailengine.suppressions.entity.Suppression;
import dev.emailengine.suppressions.entity.SuppressionAdded;
import dev.emailengine.webhooks.entity.EventType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;

/**
 * Turns what happened to emails into webhook events in the outbox. The observers run in the
 * thread that made the change, just after it was committed, and return once the event is
 * durable; when no endpoint wants a type nothing is built or written. A failure to record is
 * logged, never thrown: the worker that reported the change goes on with its mail.
 */
@ApplicationScoped
public class EventRecorder {

    private static final System.Logger LOG = System.getLogger(EventRecorder.class.getName());

    @Inject
    Webhooks webhooks;

    @Inject
    MailQueue queue;

    @Inject
    WebhookDelivery delivery;

    private final Clock clock = Clock.systemUTC();

    void sent(@Observes EmailEvent.Sent sent) {
        if (wanted(EventType.SENT)) {
            JsonObjectBuilder data = EventPayloads.data(sent.id());
            EventPayloads.add(data, "recipients", sent.recipients());
            EventPayloads.add(data, "reply", sent.reply());
            record(EventType.SENT, data, sent.id());
        }
    }

    void failed(@Observes EmailEvent.Failed failed) {
        EventType type = failed.willRetry() ? EventType.DEFERRED : EventType.DEAD_LETTERED;
        if (wanted(type)) {
            JsonObjectBuilder data = EventPayloads.data(failed.id());
            EventPayloads.add(data, "recipients", failed.recipients());
            EventPayloads.add(data, "reply", failed.reply());
            data.add("attempt", failed.attempt());
            if (failed.willRetry()) {
                EventPayloads.add(data, "next_attempt_at",
                        failed.nextAttemptAt() == null ? null : failed.nextAttemptAt().toString());
            }
            record(type, data, failed.id());
        }
    }

    void bounced(@Observes EmailEvent.Bounced bounced) {
        if (wanted(EventType.BOUNCED)) {
            JsonObjectBuilder data = EventPayloads.data(bounced.id());
            EventPayloads.add(data, "recipient", bounced.recipient());
            EventPayloads.add(data, "reply", bounced.reply());
            record(EventType.BOUNCED, data, bounced.id());
        }
    }

    void cancelled(@Observes EmailEvent.Cancelled cancelled) {
        if (wanted(EventType.CANCELLED)) {
            JsonObjectBuilder data = EventPayloads.data(cancelled.id());
            List<String> recipients = List.of();
            try {
                recipients = queue.find(cancelled.id()).map(EmailDetails::recipients).orElse(List.of()).stream()
                        .map(EmailDetails.RecipientOutcome::address).toList();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "{0} cancelled; its recipients could not be read for the webhook: {1}",
                        cancelled.id(), e.getMessage());
            }
            EventPayloads.add(data, "recipients", recipients);
            record(EventType.CANCELLED, data, cancelled.id());
        }
    }

    void suppressed(@Observes SuppressionAdded added) {
        Suppression entry = added.entry();
        EventType type = Suppression.UNSUBSCRIBE.equals(entry.source()) ? EventType.UNSUBSCRIBED : EventType.SUPPRESSED;
        if (wanted(type)) {
            JsonObjectBuilder data = EventPayloads.data(entry.emailId());
            EventPayloads.add(data, "recipient", entry.address());
            EventPayloads.add(data, "reason", entry.reason());
            EventPayloads.add(data, "source", entry.source());
            EventPayloads.add(data, "list_id", entry.listId());
            record(type, data, entry.emailId());
        }
    }

    private boolean wanted(EventType type) {
        try {
            return webhooks.wanted(type);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "the webhook endpoints could not be read; a {0} event is not recorded: {1}",
                    type.wireName(), e.getMessage());
            return false;
        }
    }

    private void record(EventType type, JsonObjectBuilder data, String emailId) {
        try {
            webhooks.record(type, EventPayloads.event(type, clock.instant(), data));
            delivery.wake();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "{0}: the {1} webhook event could not be recorded: {2}", emailId, type.wireName(),
                    e.getMessage());
        }
    }
}
