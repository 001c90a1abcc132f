package dev.emailengine.dispatch.control;

import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.QueuedEmail;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.time.Clock;
import java.time.Instant;

/**
 * One attempt at one claimed email: compose, send, and tell the queue what became of it. The
 * email always leaves this method reported as sent, to be retried, or dead: never still claimed.
 */
public class Deliverer {

    private final MailQueue queue;
    private final Session session;
    private final MimeComposer composer;
    private final RetryPolicy retryPolicy;
    private final Clock clock;

    public Deliverer(MailQueue queue, Session session, MimeComposer composer, RetryPolicy retryPolicy, Clock clock) {
        this.queue = queue;
        this.session = session;
        this.composer = composer;
        this.retryPolicy = retryPolicy;
        this.clock = clock;
    }

    /** @return true when the SMTP server accepted the email */
    public boolean deliver(QueuedEmail email, SmtpConnection connection) {
        try {
            connection.send(composer.compose(session, email));
            queue.delivered(email, new Attempt(clock.instant(), Attempt.Outcome.SENT, 250, "accepted"));
            return true;
        } catch (MessagingException | RuntimeException e) {
            report(email, DeliveryFailure.of(e));
            return false;
        }
    }

    private void report(QueuedEmail email, DeliveryFailure failure) {
        Instant now = clock.instant();
        if (failure.permanent()) {
            queue.deadLetter(email,
                    new Attempt(now, Attempt.Outcome.PERMANENT_FAILURE, failure.smtpCode(), failure.message()));
            return;
        }
        var attempt = new Attempt(now, Attempt.Outcome.TRANSIENT_FAILURE, failure.smtpCode(), failure.message());
        int retryNumber = email.retryCount() + 1;
        if (retryNumber > email.maxRetries()) {
            queue.deadLetter(email, attempt);
        } else {
            queue.retryLater(email, attempt, retryPolicy.nextAttemptAt(now, retryNumber));
        }
    }
}
