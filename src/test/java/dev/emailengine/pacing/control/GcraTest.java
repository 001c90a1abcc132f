package dev.emailengine.pacing.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The limiter's arithmetic on a clock the test moves: window edges, bursts, debt, several windows. */
class GcraTest {

    private final ManualClock clock = new ManualClock();
    private final MemoryLimitState state = new MemoryLimitState(clock);

    private static LimitState.Cell cell(String row, String rate, long cost) {
        RateWindow w = RateWindow.parse("TEST", rate);
        return new LimitState.Cell(row + "/" + w, w.intervalMicros(), w.burst(), cost);
    }

    @Test
    void oneASecondNeverSendsTwoInASecond() {
        assertNull(state.reserve(List.of(cell("k", "1/s", 1))));
        clock.advance(Duration.ofNanos(999_999_000));
        LimitState.Refusal refusal = state.reserve(List.of(cell("k", "1/s", 1)));
        assertNotNull(refusal, "one microsecond before the second ends, the second recipient must wait");
        assertEquals(1, refusal.waitMicros());
        clock.advance(Duration.ofNanos(1000));
        assertNull(state.reserve(List.of(cell("k", "1/s", 1))), "exactly a second later it goes");
    }

    /** Asking as fast as allowed, no sliding one-second window (half-open) ever holds more than N. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 14, 20, 33, 1000})
    void noSlidingSecondHoldsMoreThanTheRate(int n) {
        List<Long> sent = new ArrayList<>();
        Instant start = clock.instant();
        while (sent.size() < 5 * n) {
            LimitState.Refusal refusal = state.reserve(List.of(cell("k", n + "/s", 1)));
            if (refusal == null) {
                sent.add(Duration.between(start, clock.instant()).toNanos() / 1000);
            } else {
                clock.advance(Duration.ofNanos(refusal.waitMicros() * 1000));
            }
        }
        for (int i = 0; i + n < sent.size(); i++) {
            assertTrue(sent.get(i + n) - sent.get(i) >= 1_000_000,
                    () -> n + "/s sent " + (n + 1) + " within one second");
        }
        long mean = (sent.get(sent.size() - 1) - sent.get(0)) / (sent.size() - 1);
        assertTrue(Math.abs(mean - 1_000_000.0 / n) <= 1, "the pace is the configured rate, not slower");
    }

    @Test
    void aLongerWindowAllowsItsWholeCountAtOnceThenThePace() {
        for (int i = 0; i < 60; i++) {
            assertNull(state.reserve(List.of(cell("k", "60/m", 1))), "recipient " + i + " of the burst");
        }
        LimitState.Refusal refusal = state.reserve(List.of(cell("k", "60/m", 1)));
        assertEquals(1_000_000, refusal.waitMicros());
    }

    @Test
    void aRequestBiggerThanTheBurstGoesFromIdleAndLeavesDebt() {
        assertNull(state.reserve(List.of(cell("k", "5/s", 12))), "12 recipients at 5/s would otherwise never go");
        LimitState.Refusal refusal = state.reserve(List.of(cell("k", "5/s", 1)));
        assertEquals(2_400_000, refusal.waitMicros(), "12 recipients are paid off at 5/s before the next");
        clock.advance(Duration.ofMillis(2400));
        assertNull(state.reserve(List.of(cell("k", "5/s", 1))));
    }

    @Test
    void aRequestWithinTheBurstWaitsUntilAllItsRecipientsFit() {
        for (int i = 0; i < 8; i++) {
            assertNull(state.reserve(List.of(cell("k", "10/m", 1))));
        }
        LimitState.Refusal refusal = state.reserve(List.of(cell("k", "10/m", 3)));
        assertEquals(6_000_000, refusal.waitMicros(), "room for 3 more once one more interval has passed");
    }

    @Test
    void everyWindowMustHaveRoomAndARefusalTakesNothing() {
        var perSecond = cell("k", "10/s", 1);
        var perMinute = cell("k", "3/m", 1);
        for (int i = 0; i < 3; i++) {
            assertNull(state.reserve(List.of(perSecond, perMinute)));
            clock.advance(Duration.ofMillis(100));
        }
        LimitState.Refusal refusal = state.reserve(List.of(perSecond, perMinute));
        assertEquals(1, refusal.cell(), "the per-minute quota refused");
        var backlog = state.backlog(List.of(perSecond.row()));
        assertEquals(0L, backlog.get(perSecond.row()), "the per-second window kept nothing of the refused request");
        assertNull(state.reserve(List.of(perSecond)), "so it still has room");
    }

    @Test
    void intervalsRoundUpSoAWindowNeverHoldsOneMore() {
        assertEquals(333_334, RateWindow.parse("T", "3/s").intervalMicros());
        assertEquals(1_728_000L, RateWindow.parse("T", "50000/d").intervalMicros());
        assertEquals(1, RateWindow.parse("T", "20/s").burst());
        assertEquals(50000, RateWindow.parse("T", "50000/d").burst());
    }
}
