package dev.emailengine.dispatch.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.QueuedEmail;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofHours(1));

    /** The defaults: a minute, doubling to an hour, for 48 hours. */
    private final RetryPolicy defaults = new RetryPolicy(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofHours(48));

    private static QueuedEmail email(Instant createdAt, int maxRetries) {
        return QueuedEmail.accept("batch_1795000000000_00000001", 2, createdAt, maxRetries,
                EmailMessage.of("x@example.com", "s", "b", null), null);
    }

    private static Attempt greylisted(Instant at) {
        return new Attempt(at, Attempt.Outcome.TRANSIENT_FAILURE, 451, "451 4.7.1 greylisted", null);
    }

    @RepeatedTest(20)
    void delaysDoubleWithAtMostTwentyPercentJitterAndStayWithinTheCap() {
        for (int n = 1; n <= 6; n++) {
            long expected = 1000L << (n - 1);
            long delay = policy.delayBefore(n).toMillis();
            assertTrue(delay >= expected && delay <= expected * 1.2, "retry " + n + ": " + delay + " ms");
        }
        for (int n : new int[] {7, 1_000}) {
            long delay = policy.delayBefore(n).toMillis();
            // At the cap the jitter goes below it: never later than the cap, still spread out.
            assertTrue(delay >= 48_000 && delay <= 60_000, "retry " + n + ": " + delay + " ms");
        }
    }

    @Test
    void withTheDefaultsAnEmailIsRetriedForFortyEightHoursThenGivenUpAtTheEndOfItsLifetime() {
        QueuedEmail email = email(T0, QueuedEmail.NO_RETRY_LIMIT);
        Instant now = T0;
        int attempts = 1;
        while (true) {
            Optional<Instant> next = defaults.retryAt(email, now);
            if (next.isEmpty()) {
                break;
            }
            assertTrue(Duration.between(now, next.get()).compareTo(Duration.ofHours(1)) <= 0, "waits at most an hour");
            email = email.withRetry(greylisted(now), next.get());
            now = next.get();
            attempts++;
        }
        assertEquals(T0.plus(Duration.ofHours(48)), now, "the last try is at the end of the lifetime, not after it");
        // 1+2+4+8+16+32 minutes, then every 48 to 60 minutes (the jitter stays below the cap)
        assertTrue(attempts >= 52 && attempts <= 62, attempts + " attempts");
    }

    @Test
    void maxRetriesWhenSetStillBoundsTheRetries() {
        QueuedEmail email = email(T0, 3);
        Instant now = T0;
        for (int retry = 1; retry <= 3; retry++) {
            Instant next = defaults.retryAt(email, now).orElseThrow();
            email = email.withRetry(greylisted(now), next);
            now = next;
        }
        assertEquals(Optional.empty(), defaults.retryAt(email, now));
    }

    @Test
    void theLifetimeCountsFromTheFirstFailureSoALateSendAtOrARequeueStartsItAfresh() {
        Instant later = T0.plus(Duration.ofDays(3));
        assertTrue(defaults.retryAt(email(T0, QueuedEmail.NO_RETRY_LIMIT), later).isPresent(),
                "an email due three days after it was queued gets its full lifetime");

        QueuedEmail retried = email(T0, QueuedEmail.NO_RETRY_LIMIT).withRetry(greylisted(T0), T0.plusSeconds(60));
        assertFalse(defaults.retryAt(retried, T0.plus(Duration.ofHours(48))).isPresent());
        QueuedEmail dead = retried.withAttempt(greylisted(T0.plus(Duration.ofHours(48))));
        QueuedEmail requeued = dead.requeued(later);
        Instant next = defaults.retryAt(requeued, later).orElseThrow();
        requeued = requeued.withRetry(greylisted(later), next);
        assertTrue(defaults.retryAt(requeued, later.plus(Duration.ofHours(47))).isPresent());
        assertFalse(defaults.retryAt(requeued, later.plus(Duration.ofHours(48))).isPresent());
    }

    private static Attempt throttled(Instant at) {
        return new Attempt(at, Attempt.Outcome.THROTTLED, 451, "451 4.7.1 rate limited", "4.7.1");
    }

    @Test
    void throttlingSpendsNoRetryWaitsLongerEachTimeInARowAndItsLifetimeRunsFromTheFirstThrottledAttempt() {
        var throttling = new RetryPolicy(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofHours(1),
                Duration.ofSeconds(5));
        QueuedEmail email = email(T0, 3);
        Instant now = T0;
        int throttledAttempts = 0;
        while (true) {
            Optional<Instant> next = throttling.throttledRetryAt(email, now);
            if (next.isEmpty()) {
                break;
            }
            long wait = Duration.between(now, next.get()).toMillis();
            long expected = Math.min(5_000L << Math.min(throttledAttempts, 20), 300_000);
            boolean cutShort = next.get().equals(T0.plus(Duration.ofHours(1)));
            assertTrue(cutShort || wait >= expected * 0.8 && wait <= expected * 1.2 && wait <= 300_000,
                    "throttled " + (throttledAttempts + 1) + " times in a row waits about " + expected + " ms, not "
                            + wait);
            email = email.withAttempt(throttled(now)).dueAt(next.get());
            now = next.get();
            throttledAttempts++;
        }
        assertEquals(0, email.retryCount(), "MAX_RETRIES (3) is never touched by throttling");
        assertEquals(T0.plus(Duration.ofHours(1)), now, "given up when the hour since the first throttle is over");
        assertTrue(throttledAttempts > 10 && throttledAttempts < 30,
                throttledAttempts + " throttled attempts in an hour: the server is asked less and less often");
        assertEquals(1, email.attempts().size(), "throttled attempts in a row are one entry");
        assertEquals(throttledAttempts, email.attempts().get(0).times());
        assertEquals(T0, email.attempts().get(0).since());
    }

    @Test
    void theThrottleDelayDoublesUpToFiveMinutesAndStartsAgainAfterAnotherOutcome() {
        var policy = new RetryPolicy(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofHours(48),
                Duration.ofSeconds(1));
        for (int inARow = 1; inARow <= 12; inARow++) {
            long expected = Math.min(1_000L << (inARow - 1), 300_000);
            long wait = policy.throttleDelayBefore(inARow).toMillis();
            assertTrue(wait >= expected * 0.8 && wait <= Math.min(expected * 1.2, 300_000), inARow + ": " + wait);
        }
        QueuedEmail email = email(T0, 3);
        for (int i = 0; i < 4; i++) {
            email = email.withAttempt(throttled(T0.plusSeconds(i)));
        }
        assertEquals(4, RetryPolicy.throttledInARow(email));
        email = email.withRetry(greylisted(T0.plusSeconds(10)), T0.plusSeconds(70));
        assertEquals(0, RetryPolicy.throttledInARow(email), "a transient failure ends the run");
        long wait = Duration.between(T0.plusSeconds(70), policy.throttledRetryAt(email, T0.plusSeconds(70)).orElseThrow())
                .toMillis();
        assertTrue(wait >= 1_000 && wait <= 1_200, "back to THROTTLE_DELAY: " + wait);
        var longDelay = new RetryPolicy(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofHours(48),
                Duration.ofMinutes(10));
        assertTrue(longDelay.throttleDelayBefore(3).toMillis() <= 600_000, "a THROTTLE_DELAY above the cap is the cap");
    }

    @Test
    void throttledAttemptsAmongTheRetriesCountForTheLifetimeButNotAsRetries() {
        Instant t1 = T0.plusSeconds(10);
        Instant t2 = T0.plusSeconds(100);
        QueuedEmail email = email(T0, 3).withAttempt(throttled(t1)).withRetry(greylisted(t2), t2.plusSeconds(60))
                .withAttempt(throttled(t2.plusSeconds(60)));
        assertEquals(t1, RetryPolicy.firstFailure(email, T0.plusSeconds(500)));

        // A dead letter given up after throttling, requeued: its lifetime starts afresh.
        QueuedEmail requeued = email.withAttempt(greylisted(T0.plusSeconds(200))).requeued(T0.plusSeconds(300));
        assertEquals(T0.plusSeconds(400), RetryPolicy.firstFailure(requeued, T0.plusSeconds(400)));
    }
}
