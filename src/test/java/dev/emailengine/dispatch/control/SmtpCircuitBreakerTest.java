package dev.emailengine.dispatch.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.dispatch.control.SmtpCircuitBreaker.Cause;
import dev.emailengine.dispatch.control.SmtpCircuitBreaker.Permit;
import dev.emailengine.dispatch.control.SmtpCircuitBreaker.Snapshot;
import dev.emailengine.dispatch.control.SmtpCircuitBreaker.State;
import dev.emailengine.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SmtpCircuitBreakerTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-28T12:00:00Z"));
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

    @Test
    void a421ThrottlesAtOnceAndItsProbeIsARealDelivery() {
        assertTrue(breaker.recordThrottling("a", "421 4.7.0 slow down", true));
        assertEquals(new Snapshot(State.OPEN, Cause.THROTTLING, "421 4.7.0 slow down", clock.instant().plusSeconds(1)),
                breaker.snapshot());
        assertEquals(null, breaker.lastError(), "a throttling server answers: health does not report it down");
        assertTrue(breaker.recordThrottling("b", "421 4.7.0 slow down", true), "emails in flight are held too");

        clock.advance(Duration.ofSeconds(1));
        assertEquals(Permit.TRIAL, breaker.acquire());
        assertEquals(Permit.WAIT, breaker.acquire());
        assertTrue(breaker.recordThrottling("c", "421 4.7.0 still", true));
        clock.advance(Duration.ofMillis(1999));
        assertEquals(Permit.WAIT, breaker.acquire(), "a throttled trial doubles the pause");
        clock.advance(Duration.ofMillis(1));
        assertEquals(Permit.TRIAL, breaker.acquire());
        breaker.probeFailed("the trial hit an error");
        assertEquals(State.OPEN, breaker.state());
        assertEquals(clock.instant().plusSeconds(4), breaker.snapshot().nextProbeAt());

        clock.advance(Duration.ofSeconds(4));
        assertEquals(Permit.TRIAL, breaker.acquire());
        breaker.recordSuccess();
        assertEquals(new Snapshot(State.CLOSED, null, null, null), breaker.snapshot());
    }

    @Test
    void fourSevenRepliesThrottleOnlyWhenSeveralEmailsMeetThemWithNoSuccessBetween() {
        assertFalse(breaker.recordThrottling("a", "451 4.7.1 greylisted", false), "one email: its own retry");
        assertFalse(breaker.recordThrottling("a", "451 4.7.1 greylisted", false), "the same email again");
        assertFalse(breaker.recordThrottling("b", "451 4.7.1 greylisted", false));
        breaker.recordSuccess();
        assertFalse(breaker.recordThrottling("c", "451 4.7.1 greylisted", false), "a success starts the count afresh");
        assertFalse(breaker.recordThrottling("d", "450 4.7.1 rate limited", false));
        assertEquals(State.CLOSED, breaker.state());
        assertTrue(breaker.recordThrottling("e", "454 4.7.0 too fast", false));
        assertEquals(Cause.THROTTLING, breaker.snapshot().cause());
    }

    @Test
    void anOutageOutranksThrottling() {
        breaker.recordOutage("connection refused");
        assertTrue(breaker.recordThrottling("a", "421 busy", true), "held while the outage lasts");
        assertEquals(Cause.OUTAGE, breaker.snapshot().cause());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Permit.PROBE, breaker.acquire(), "the probe of an outage is a connect");
    }

    /**
     * {@code GET /workers/status} reads this while workers open and close the breaker: state,
     * error and probe time must belong to the same moment (read one by one, the breaker could
     * close in between and leave an error without a probe time).
     */
    @Test
    void aSnapshotIsConsistentWhileTheBreakerOpensAndClosesConcurrently() throws Exception {
        var stop = new AtomicBoolean();
        var flipper = new Thread(() -> {
            while (!stop.get()) {
                breaker.recordOutage("connection refused");
                breaker.recordSuccess();
            }
        });
        flipper.start();
        try {
            int open = 0;
            for (int i = 0; i < 200_000; i++) {
                Snapshot s = breaker.snapshot();
                boolean closed = s.state() == State.CLOSED;
                assertEquals(closed, s.cause() == null, s.toString());
                assertEquals(closed, s.lastError() == null, s.toString());
                assertEquals(closed, s.nextProbeAt() == null, s.toString());
                open += closed ? 0 : 1;
            }
            assertTrue(open > 0, "the breaker was never seen open; the test proved nothing");
        } finally {
            stop.set(true);
            flipper.join();
        }
    }
}
