package dev.emailengine.dispatch.control;

import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.EmailEvent;
import dev.emailengine.queue.entity.QueuedEmail;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * One attempt at one claimed email: compose, send, and tell the queue what became of it. The
 * email always leaves this method reported as sent, to be retried, dead, or held back by the
 * breaker (an outage or a throttling server): never still claimed, even when composing or
 * sending it ran out of memory.
 */
public class Deliverer {

    private static final System.Logger LOG = System.getLogger(Deliverer.class.getName());

    public enum Outcome {
        SENT, RETRY_SCHEDULED, DEAD_LETTERED, DEFERRED_BY_OUTAGE, DEFERRED_BY_THROTTLING
    }

    private final MailQueue queue;
    private final Session session;
    private final MimeComposer composer;
    private final RetryPolicy retryPolicy;
    private final SmtpCircuitBreaker breaker;
    private final Clock clock;
    private final Consumer<EmailEvent> events;

    public Deliverer(MailQueue queue, Session session, MimeComposer composer, RetryPolicy retryPolicy,
            SmtpCircuitBreaker breaker, Clock clock, Consumer<EmailEvent> events) {
        this.events = events;
        this.queue = queue;
        this.session = session;
        this.composer = composer;
        this.retryPolicy = retryPolicy;
        this.breaker = breaker;
        this.clock = clock;
    }

    /**
     * @throws Error after reporting the email as a transient failure, when composing or sending
     *         it threw one: the caller decides whether to back off
     */
    public Outcome deliver(QueuedEmail email, SmtpConnection connection) {
        Instant claimed = clock.instant();
        long start = System.nanoTime();
        try {
            connection.send(composer.compose(session, email), composer.envelope(email));
        } catch (MessagingException | RuntimeException e) {
            return failed(email, connection, DeliveryFailure.of(e));
        } catch (Error e) {
            // Out of memory on a huge email, a stack overflow in a library: that email's failure.
            // It goes back with a retry spent, so one that always does this ends as a dead letter.
            connection.close();
            failed(email, connection, DeliveryFailure.of(e));
            throw e;
        }
        breaker.recordSuccess();
        queue.delivered(email, new Attempt(clock.instant(), Attempt.Outcome.SENT, 250, "accepted", null));
        Duration waited = Duration.between(email.nextAttemptAt(), claimed);
        events.accept(new EmailEvent.Sent(email.id(), connection.owner(), Duration.ofNanos(System.nanoTime() - start),
                waited.isNegative() ? Duration.ZERO : waited));
        return Outcome.SENT;
    }

    private Outcome failed(QueuedEmail email, SmtpConnection connection, DeliveryFailure failure) {
        Outcome outcome = report(email, failure);
        if (outcome == Outcome.RETRY_SCHEDULED || outcome == Outcome.DEAD_LETTERED) {
            events.accept(new EmailEvent.Failed(email.id(), connection.owner(), outcome == Outcome.RETRY_SCHEDULED));
        }
        return outcome;
    }

    /**
     * Opens a fresh connection as the breaker's outage probe; true when the server answered. A
     * connection kept from before the outage proves nothing, so it is closed first.
     */
    public boolean probe(SmtpConnection connection) {
        connection.close();
        try {
            connection.open();
            breaker.recordSuccess();
            LOG.log(Level.INFO, "SMTP server reachable again; delivery resumes");
            return true;
        } catch (SmtpUnavailableException e) {
            breaker.recordOutage(e.getMessage());
            LOG.log(Level.WARNING, "SMTP server still unreachable: {0}; next probe at {1}", e.getMessage(),
                    breaker.nextProbeAt());
            return false;
        }
    }

    private Outcome report(QueuedEmail email, DeliveryFailure failure) {
        Instant now = clock.instant();
        if (failure.serverUnreachable()) {
            if (breaker.recordOutage(failure.message())) {
                LOG.log(Level.WARNING, "SMTP server unreachable: {0}; delivery pauses and probes from {1}",
                        failure.message(), breaker.nextProbeAt());
            }
            queue.defer(email);
            return Outcome.DEFERRED_BY_OUTAGE;
        }
        if (failure.permanent()) {
            queue.deadLetter(email,
                    new Attempt(now, Attempt.Outcome.PERMANENT_FAILURE, failure.smtpCode(), failure.message(), failure.enhancedStatus()));
            return Outcome.DEAD_LETTERED;
        }
        if (failure.throttling() && breaker.recordThrottling(email.id(), failure.message(), failure.serverBusy())) {
            LOG.log(Level.WARNING, "{0} held back: the SMTP server is throttling ({1}); next try at {2}", email.id(),
                    failure.message(), breaker.nextProbeAt());
            queue.defer(email);
            return Outcome.DEFERRED_BY_THROTTLING;
        }
        var attempt = new Attempt(now, Attempt.Outcome.TRANSIENT_FAILURE, failure.smtpCode(), failure.message(), failure.enhancedStatus());
        var retryAt = retryPolicy.retryAt(email, now);
        if (retryAt.isEmpty()) {
            LOG.log(Level.WARNING, "{0} given up after {1} retries: {2}", email.id(), email.retryCount(),
                    email.retryCount() >= email.maxRetries() ? "MAX_RETRIES used up" : "MAX_QUEUE_LIFETIME is over");
            queue.deadLetter(email, attempt);
            return Outcome.DEAD_LETTERED;
        }
        queue.retryLater(email, attempt, retryAt.get());
        return Outcome.RETRY_SCHEDULED;
    }
}
