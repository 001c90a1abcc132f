package dev.emailengine.pacing.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The per-second pace on a clock the test moves: window edges, emails of several recipients. */
class GcraTest {

    private final ManualClock clock = new ManualClock();
    private final MemoryLimitState state = new MemoryLimitState(clock);

    private static LimitState.Cell cell(String row, String rate, long cost) {
        return LimitStateContract.cell(row, rate, cost);
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
    void anEmailOfSeveralRecipientsGoesWhenTheLimiterIsFreeAndHoldsItForEachOfThem() {
        long interval = 200_000; // 5/s
        assertEquals(0, Gcra.waitFor(0, 10_000_000, 5, interval), "idle since ever");
        assertEquals(10_000_000 + 5 * interval, Gcra.take(0, 10_000_000, 5, interval), "then its 5 intervals ahead");
        long tat = 10_000_000;
        assertEquals(0, Gcra.waitFor(tat, tat, 1, interval), "one recipient: free now is enough");
        assertEquals(0, Gcra.waitFor(tat, tat, 4, interval), "four: free now is enough too (no starving)");
        assertEquals(tat + 4 * interval, Gcra.take(tat, tat, 4, interval), "and the next waits for all four");
        assertEquals(interval, Gcra.waitFor(tat + interval, tat, 4, interval), "busy: until it is free");
    }

    @Test
    void anEmailBiggerThanASecondGoesFromIdleAndHoldsTheRest() {
        assertNull(state.reserve(List.of(cell("k", "5/s", 12))), "from idle");
        LimitState.Refusal refusal = state.reserve(List.of(cell("k", "5/s", 1)));
        assertEquals(2_400_000, refusal.waitMicros(), "12 recipients are paid off at 5/s before the next");
        clock.advance(Duration.ofMillis(2400));
        assertNull(state.reserve(List.of(cell("k", "5/s", 1))));
        clock.advance(Duration.ofMillis(200));
        assertNull(state.reserve(List.of(cell("k", "5/s", 12))), "free again after the single: another one goes");
        assertEquals(2_400_000, state.reserve(List.of(cell("k", "5/s", 1))).waitMicros(), "and is paid off in turn");
    }

    @Test
    void intervalsRoundUpSoAWindowNeverHoldsOneMore() {
        assertEquals(333_334, RateWindow.parse("T", "3/s").intervalMicros());
        assertEquals(1_728_000L, RateWindow.parse("T", "50000/d").intervalMicros());
        assertTrue(RateWindow.parse("T", "20/s").paced());
        assertFalse(RateWindow.parse("T", "50000/d").paced());
    }
}
