package dev.emailengine.dispatch.control;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a transiently failed email may be tried again: {@code base · 2^(n-1)} for the n-th retry,
 * plus up to 20 % jitter so emails that failed together do not return together, capped at
 * {@code max}.
 */
public class RetryPolicy {

    private final Duration base;
    private final Duration max;

    public RetryPolicy(Duration base, Duration max) {
        this.base = base;
        this.max = max;
    }

    /** @param retryNumber 1 for the first retry */
    public Duration delayBefore(int retryNumber) {
        int doublings = Math.min(Math.max(retryNumber - 1, 0), 30);
        long millis = base.toMillis() << doublings;
        if (millis < 0 || millis > max.toMillis()) {
            millis = max.toMillis();
        }
        long jitter = (long) (millis * 0.2 * ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis(Math.min(millis + jitter, max.toMillis()));
    }

    public Instant nextAttemptAt(Instant now, int retryNumber) {
        return now.plus(delayBefore(retryNumber));
    }
}
