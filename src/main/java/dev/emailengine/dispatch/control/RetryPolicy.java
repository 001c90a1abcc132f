package dev.emailengine.dispatch.control;

import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.QueuedEmail;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * <p>
 * A throttled email ({@link #throttledRetryAt}) goes back without spending a retry, for
 * {@code throttleDelay} after its first throttling reply, doubling with each one in a row up to
 * {@link #MAX_THROTTLE_DELAY} (plus jitter): a server that keeps throttling one email is asked
 * less and less often. Its lifetime still runs from the first throttled or failed attempt, so a
 * server that throttles for ever cannot keep an email for ever.
 */
public class RetryPolicy {

    private final Duration base;
    private final Duration max;
    private final Duration lifetime;
    private final Duration throttleDelay;

    /** {@code THROTTLE_DELAY} when not given. */
    static final Duration DEFAULT_THROTTLE_DELAY = Duration.ofSeconds(5);
    /** The longest wait after throttling replies in a row (unless THROTTLE_DELAY itself is longer). */
    static final Duration MAX_THROTTLE_DELAY = Duration.ofMinutes(5);

    public RetryPolicy(Duration base, Duration max, Duration lifetime) {
        this(base, max, lifetime, DEFAULT_THROTTLE_DELAY);
    }

    public RetryPolicy(Duration base, Duration max, Duration lifetime, Duration throttleDelay) {
        this.base = base;
        this.max = max;
        this.lifetime = lifetime;
        this.throttleDelay = throttleDelay;
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
     * When to try a throttled {@code email} again, its retry count untouched; empty when its
     * lifetime is over and it is to be given up.
     */
    public Optional<Instant> throttledRetryAt(QueuedEmail email, Instant now) {
        Instant giveUpAt = firstFailure(email, now).plus(lifetime);
        if (!now.isBefore(giveUpAt)) {
            return Optional.empty();
        }
        Instant next = now.plus(throttleDelayBefore(throttledInARow(email) + 1));
        return Optional.of(next.isAfter(giveUpAt) ? giveUpAt : next);
    }

    /** @param inARow 1 after the first throttling reply, 2 after the second in a row, ... */
    Duration throttleDelayBefore(int inARow) {
        long cap = Math.max(MAX_THROTTLE_DELAY.toMillis(), throttleDelay.toMillis());
        int doublings = Math.min(Math.max(inARow - 1, 0), 30);
        long millis = throttleDelay.toMillis() << doublings;
        if (millis < 0 || millis > cap) {
            millis = cap;
        }
        long jitter = (long) (millis * 0.2 * ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis(millis + jitter <= cap ? millis + jitter : cap - jitter);
    }

    /** The throttling replies in a row the email had before this one: its last entry, folded ({@link Attempt#times()}). */
    static int throttledInARow(QueuedEmail email) {
        List<Attempt> attempts = email.attempts();
        Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        return last != null && last.outcome() == Attempt.Outcome.THROTTLED ? last.times() : 0;
    }

    /**
     * The failures since the email was queued (or requeued) are the last {@code retryCount}
     * transient failures in its history, with the throttled attempts among and after them (which
     * spend no retry); the first of these began its lifetime. None yet: this failure does.
     */
    static Instant firstFailure(QueuedEmail email, Instant now) {
        List<Attempt> attempts = email.attempts();
        int retries = email.retryCount();
        int counted = 0;
        Instant first = null;
        for (int i = attempts.size() - 1; i >= 0; i--) {
            Attempt attempt = attempts.get(i);
            if (attempt.outcome() == Attempt.Outcome.THROTTLED) {
                first = attempt.since();
            } else if (attempt.outcome() == Attempt.Outcome.TRANSIENT_FAILURE && counted < retries) {
                counted++;
                first = attempt.at();
            } else {
                break;
            }
        }
        if (counted < retries) {
            return email.createdAt(); // a history shorter than its retry count: the email's own age
        }
        return first == null ? now : first;
    }
}
