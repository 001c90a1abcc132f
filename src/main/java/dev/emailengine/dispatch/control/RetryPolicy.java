package dev.emailengine.dispatch.control;

import dev.emailengine.queue.entity.QueuedEmail;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whether and when a transiently failed email is tried again. The n-th retry waits
 * {@code base · 2^(n-1)}, plus up to 20 % jitter so emails that failed together do not return
 * together, capped at {@code max}. An email is retried for {@code lifetime}, counted from its
 * first failed attempt (so a send_at in the future or a requeue from the dead letters starts it
 * afresh), and at most {@code maxRetries} times (per email, {@link QueuedEmail#maxRetries()}).
 * The last retry is moved forward to the end of the lifetime rather than past it, so an email
 * given up on is given up on when its lifetime ends.
 */
public class RetryPolicy {

    private final Duration base;
    private final Duration max;
    private final Duration lifetime;

    public RetryPolicy(Duration base, Duration max, Duration lifetime) {
        this.base = base;
        this.max = max;
        this.lifetime = lifetime;
    }

    /** @param retryNumber 1 for the first retry */
    public Duration delayBefore(int retryNumber) {
        int doublings = Math.min(Math.max(retryNumber - 1, 0), 30);
        long millis = base.toMillis() << doublings;
        if (millis < 0 || millis > max.toMillis()) {
            millis = max.toMillis();
        }
        long jitter = (long) (millis * 0.2 * ThreadLocalRandom.current().nextDouble());
        // At the cap the jitter goes below it, so emails that failed together still spread out.
        return Duration.ofMillis(millis + jitter <= max.toMillis() ? millis + jitter : max.toMillis() - jitter);
    }

    /**
     * When to try {@code email} again after the transient failure that just happened at
     * {@code now}; empty when it is to be given up (dead-lettered).
     */
    public Optional<Instant> retryAt(QueuedEmail email, Instant now) {
        int retryNumber = email.retryCount() + 1;
        Instant giveUpAt = firstFailure(email, now).plus(lifetime);
        if (retryNumber > email.maxRetries() || !now.isBefore(giveUpAt)) {
            return Optional.empty();
        }
        Instant next = now.plus(delayBefore(retryNumber));
        return Optional.of(next.isAfter(giveUpAt) ? giveUpAt : next);
    }

    /**
     * The retries since the email was queued (or requeued) are the last {@code retryCount}
     * attempts in its history; the first of them began its lifetime. None yet: this failure does.
     */
    static Instant firstFailure(QueuedEmail email, Instant now) {
        int retries = email.retryCount();
        if (retries == 0) {
            return now;
        }
        int first = email.attempts().size() - retries;
        return first >= 0 ? email.attempts().get(first).at() : email.createdAt();
    }
}
