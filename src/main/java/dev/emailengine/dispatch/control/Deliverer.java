package dev.emailengine.dispatch.control;

import dev.emailengine.dispatch.control.SmtpReply.Meaning;
import dev.emailengine.dispatch.control.TransactionReport.Verdict;
import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.EmailEvent;
import dev.emailengine.queue.entity.QueuedEmail;
import dev.emailengine.queue.entity.Recipient;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One attempt at one claimed email: compose, send to the recipients still to reach, and tell the
 * queue what became of the email and of each recipient. The email always leaves this method
 * reported as sent, to be retried, throttled, dead, or held back by the breaker (an outage or a
 * throttling server): never still claimed, even when composing or sending it ran out of memory.
 * <p>
 * Each recipient is settled by its own reply ({@link SmtpReply.Meaning}); the email is sent once
 * every recipient is finished and at least one accepted it, dead when none did. A transient reply
 * for any recipient spends a retry; when only throttling replies stand in the way, the email goes
 * back without spending one.
 */
public class Deliverer {

    private static final System.Logger LOG = System.getLogger(Deliverer.class.getName());

    public enum Outcome {
        SENT, RETRY_SCHEDULED, DEAD_LETTERED, DEFERRED_BY_OUTAGE, DEFERRED_BY_THROTTLING, THROTTLED
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
        List<String> envelope = email.unfinishedAddresses();
        TransactionReport report;
        try {
            SmtpReply reply = null;
            if (!envelope.isEmpty()) {
                reply = connection.send(composer.compose(session, email), composer.envelope(email));
            }
            report = TransactionReport.accepted(envelope, reply);
        } catch (SmtpUnavailableException e) {
            return outage(email, DeliveryFailure.of(e).message());
        } catch (MessagingException | RuntimeException e) {
            report = TransactionReport.of(e, envelope);
        } catch (Error e) {
            // Out of memory on a huge email, a stack overflow in a library: that email's failure.
            // It goes back with a retry spent, so one that always does this ends as a dead letter.
            connection.close();
            settle(email, TransactionReport.of(e, envelope), connection, claimed, start);
            throw e;
        }
        return settle(email, report, connection, claimed, start);
    }

    private Outcome outage(QueuedEmail email, String error) {
        if (breaker.recordOutage(error)) {
            LOG.log(Level.WARNING, "SMTP server unreachable: {0}; delivery pauses and probes from {1}", error,
                    breaker.nextProbeAt());
        }
        queue.defer(email);
        return Outcome.DEFERRED_BY_OUTAGE;
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

    /** Records what the transaction did, then tells the watchers: events follow the state change they report. */
    private Outcome settle(QueuedEmail email, TransactionReport report, SmtpConnection connection, Instant claimed,
            long start) {
        if (report.any(Meaning.ACCEPTED)) {
            breaker.recordSuccess();
        }
        Outcome outcome = record(email, report, connection, claimed, start);
        announce(email.id(), report);
        return outcome;
    }

    private Outcome record(QueuedEmail email, TransactionReport report, SmtpConnection connection, Instant claimed,
            long start) {
        Instant now = clock.instant();
        QueuedEmail updated = email.withRecipients(Recipients.settle(email.recipientOutcomes(), report, now));
        boolean unfinished = updated.recipients().stream().anyMatch(r -> !r.state().finished());
        if (!unfinished) {
            return finish(updated, Recipients.attempt(report, now, updated), connection, claimed, start);
        }
        if (report.any(Meaning.DEFERRED) || !report.any(Meaning.THROTTLED)) {
            Attempt attempt = Recipients.attempt(report, now, Attempt.Outcome.TRANSIENT_FAILURE);
            Optional<Instant> retryAt = retryPolicy.retryAt(email, now);
            if (retryAt.isEmpty()) {
                LOG.log(Level.WARNING, "{0} given up after {1} retries: {2}", email.id(), email.retryCount(),
                        email.retryCount() >= email.maxRetries() ? "MAX_RETRIES used up" : "MAX_QUEUE_LIFETIME is over");
                return finish(Recipients.giveUp(updated, now), attempt, connection, claimed, start);
            }
            queue.retryLater(updated, attempt, retryAt.get());
            events.accept(new EmailEvent.Failed(email.id(), connection.owner(), true, updated.unfinishedAddresses(),
                    attempt.message(), email.retryCount() + 1, retryAt.get()));
            return Outcome.RETRY_SCHEDULED;
        }
        return throttled(email, updated, report, connection, claimed, start, now);
    }

    /**
     * Only throttling replies stand between the email and its unfinished recipients: back without
     * spending a retry. When every recipient was throttled the transaction as a whole was, which
     * the breaker counts; a 421 holds every worker at once.
     */
    private Outcome throttled(QueuedEmail email, QueuedEmail updated, TransactionReport report,
            SmtpConnection connection, Instant claimed, long start, Instant now) {
        Attempt attempt = Recipients.attempt(report, now, Attempt.Outcome.THROTTLED);
        Verdict reply = report.first(Meaning.THROTTLED);
        boolean held = report.all(Meaning.THROTTLED)
                && breaker.recordThrottling(email.id(), reply.text(), reply.serverWide());
        if (held) {
            LOG.log(Level.WARNING, "{0} held back: the SMTP server is throttling ({1}); next try at {2}", email.id(),
                    reply.text(), breaker.nextProbeAt());
        }
        Optional<Instant> next = retryPolicy.throttledRetryAt(email, now);
        if (next.isEmpty()) {
            LOG.log(Level.WARNING, "{0} given up: throttled until MAX_QUEUE_LIFETIME was over", email.id());
            Attempt last = new Attempt(now, Attempt.Outcome.TRANSIENT_FAILURE, attempt.smtpCode(), attempt.message(),
                    attempt.enhancedStatus());
            return finish(Recipients.giveUp(updated, now), last, connection, claimed, start);
        }
        queue.throttled(updated, attempt, next.get());
        return held ? Outcome.DEFERRED_BY_THROTTLING : Outcome.THROTTLED;
    }

    /** Every recipient is finished: sent when at least one got it, dead when none did. */
    private Outcome finish(QueuedEmail email, Attempt attempt, SmtpConnection connection, Instant claimed,
            long start) {
        if (email.recipients().stream().anyMatch(r -> r.state() == Recipient.State.SENT)) {
            queue.delivered(email, attempt);
            Duration waited = Duration.between(email.nextAttemptAt(), claimed);
            events.accept(new EmailEvent.Sent(email.id(), connection.owner(),
                    Duration.ofNanos(System.nanoTime() - start), waited.isNegative() ? Duration.ZERO : waited,
                    email.recipients().stream().filter(r -> r.state() == Recipient.State.SENT)
                            .map(Recipient::address).toList(), attempt.message()));
            return Outcome.SENT;
        }
        queue.deadLetter(email, attempt);
        events.accept(new EmailEvent.Failed(email.id(), connection.owner(), false,
                email.recipients().stream().map(Recipient::address).toList(), attempt.message(),
                email.retryCount() + 1, null));
        return Outcome.DEAD_LETTERED;
    }

    /** Spelled out, so a new meaning does not compile until the dashboard's answers know it. */
    private static EmailEvent.Answered.Answer answer(Meaning meaning) {
        return switch (meaning) {
            case ACCEPTED -> EmailEvent.Answered.Answer.ACCEPTED;
            case THROTTLED -> EmailEvent.Answered.Answer.THROTTLED;
            case DEFERRED -> EmailEvent.Answered.Answer.DEFERRED;
            case BOUNCED -> EmailEvent.Answered.Answer.BOUNCED;
            case REFUSED_BY_POLICY -> EmailEvent.Answered.Answer.REFUSED_BY_POLICY;
            case FAILED -> EmailEvent.Answered.Answer.FAILED;
        };
    }

    /** Hard bounces for the suppression list, throttling for the rate limits. */
    private void announce(String id, TransactionReport report) {
        boolean serverThrottled = false;
        var answers = new HashMap<String, EmailEvent.Answered.Answer>();
        for (var entry : report.verdicts().entrySet()) {
            Verdict verdict = entry.getValue();
            answers.put(entry.getKey(), answer(verdict.meaning()));
            if (verdict.meaning() == Meaning.BOUNCED && verdict.own()) {
                events.accept(new EmailEvent.Bounced(id, entry.getKey(), verdict.text()));
            } else if (verdict.meaning() == Meaning.THROTTLED) {
                if (verdict.own() && !verdict.serverWide()) {
                    events.accept(new EmailEvent.Throttled(id, entry.getKey(), verdict.text()));
                } else if (!serverThrottled) {
                    serverThrottled = true;
                    events.accept(new EmailEvent.Throttled(id, null, verdict.text()));
                }
            }
        }
        if (!answers.isEmpty()) {
            events.accept(new EmailEvent.Answered(id, answers));
        }
    }
}
