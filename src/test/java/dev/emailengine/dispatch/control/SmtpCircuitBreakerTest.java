package dev.emailengine.dispatch.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.dispatch.control.SmtpCircuitBreaker.Permit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SmtpCircuitBreakerTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-28T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final SmtpCircuitBreaker breaker = new SmtpCircuitBreaker(Duration.ofSeconds(1), Duration.ofSeconds(8), clock);

    @Test
    void anOutageHoldsEveryoneAndOneWorkerProbesAtGrowingIntervalsUntilTheServerAnswers() {
        assertEquals(Permit.SEND, breaker.acquire());

        assertTrue(breaker.recordOutage("connection refused"), "the first report opens the breaker");
        assertFalse(breaker.recordOutage("connection refused"), "later reports of the same outage do not");
        assertEquals(Permit.WAIT, breaker.acquire());
        assertEquals("connection refused", breaker.lastError());

        long[] expectedIntervals = {1, 2, 4, 8, 8};
        for (long seconds : expectedIntervals) {
            clock.advance(Duration.ofSeconds(seconds).minusMillis(1));
            assertEquals(Permit.WAIT, breaker.acquire(), "no probe before " + seconds + " s");
            clock.advance(Duration.ofMillis(1));
            assertEquals(Permit.PROBE, breaker.acquire());
            assertEquals(Permit.WAIT, breaker.acquire(), "only one worker probes");
            breaker.recordOutage("still down");
        }

        clock.advance(Duration.ofSeconds(8));
        assertEquals(Permit.PROBE, breaker.acquire());
        breaker.recordSuccess();
        assertEquals(Permit.SEND, breaker.acquire());
        assertEquals(null, breaker.lastError());

        breaker.recordOutage("down again");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Permit.PROBE, breaker.acquire(), "a new outage starts from the base interval again");
    }
}
