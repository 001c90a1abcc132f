package dev.emailengine.dispatch.control;

import dev.emailengine.metrics.control.EmailMetrics;
import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.QueuedEmail;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One attempt at one claimed email: compose, send, and tell the queue what became of it. The
 * email always leaves this method reported as sent, to be retried, dead, or deferred by an
 * outage: never still claimed.
 */
public class Deliverer {

    private static final System.Logger LOG = System.getLogger(Deliverer.class.getName());

    public enum Outcome {
        SENT, RETRY_SCHEDULED, DEAD_LETTERED, DEFERRED_BY_OUTAGE
    }

    private final MailQueue queue;
    private final Session session;
    private final MimeComposer composer;
    private final RetryPolicy retryPolicy;
    private final SmtpCircuitBreaker breaker;
    private final Clock clock;
    private final EmailMetrics metrics;

    public Deliverer(MailQueue queue, Session session, MimeComposer composer, RetryPolicy retryPolicy,
            SmtpCircuitBreaker breaker, Clock clock, EmailMetrics metrics) {
        this.metrics = metrics;
        this.queue = queue;
        this.session = session;
        this.composer = composer;
        this.retryPolicy = retryPolicy;
        this.breaker = breaker;
        this.clock = clock;
    }

    public Outcome deliver(QueuedEmail email, SmtpConnection connection) {
        Instant claimed = clock.instant();
        long start = System.nanoTime();
        try {
            connection.send(composer.compose(session, email), composer.envelope(email));
        } catch (MessagingException | RuntimeException e) {
            Outcome outcome = report(email, DeliveryFailure.of(e));
            if (outcome == Outcome.RETRY_SCHEDULED || outcome == Outcome.DEAD_LETTERED) {
                metrics.failed(connection.owner(), outcome == Outcome.RETRY_SCHEDULED);
            }
            return outcome;
        }
        breaker.recordSuccess();
        queue.delivered(email, new Attempt(clock.instant(), Attempt.Outcome.SENT, 250, "accepted"));
        metrics.sent(connection.owner(), Duration.ofNanos(System.nanoTime() - start),
                Duration.between(email.nextAttemptAt(), claimed));
        return Outcome.SENT;
    }

    /** Opens the connection as the breaker's probe; true when the server answered. */
    public boolean probe(SmtpConnection connection) {
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
                    new Attempt(now, Attempt.Outcome.PERMANENT_FAILURE, failure.smtpCode(), failure.message()));
            return Outcome.DEAD_LETTERED;
        }
        var attempt = new Attempt(now, Attempt.Outcome.TRANSIENT_FAILURE, failure.smtpCode(), failure.message());
        int retryNumber = email.retryCount() + 1;
        if (retryNumber > email.maxRetries()) {
            queue.deadLetter(email, attempt);
            return Outcome.DEAD_LETTERED;
        }
        queue.retryLater(email, attempt, retryPolicy.nextAttemptAt(now, retryNumber));
        return Outcome.RETRY_SCHEDULED;
    }
}
