package dev.emailengine.pacing.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.pacing.control.LimitState.Cell;
import dev.emailengine.pacing.control.LimitState.Refusal;
import dev.emailengine.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LimitState} promises, on a clock the test moves: at most N in every sliding
 * window of each configured length (window edges included), all or nothing across cells, and
 * state that outlives a restart. Each store's test class says how to open its store, and open it
 * again on the same storage as a restart does.
 */
abstract class LimitStateContract {

    final ManualClock clock = new ManualClock();

    /** A store on fresh storage, on {@link #clock}. */
    abstract LimitState open();

    /** The same storage, as the next start (or another instance, for a shared store) sees it. */
    abstract LimitState reopen(LimitState before);

    static Cell cell(String rate, long cost) {
        return cell("k", rate, cost);
    }

    static Cell cell(String key, String rate, long cost) {
        RateWindow w = RateWindow.parse("TEST", rate);
        String row = key + "/" + w;
        return w.paced() ? Cell.paced(row, w.count(), w.intervalMicros(), cost)
                : Cell.counted(row, w.count(), w.lengthMicros(), cost);
    }

    private long micros() {
        return MemoryLimitState.micros(clock.instant());
    }

    /** Starts the test half a second into a second: a bucket's edge is not the window's. */
    private void midSecond() {
        clock.set(Instant.parse("2026-12-01T10:00:00.500Z"));
    }

    @Test
    void oneAMinuteSendsOneNotTwo() {
        midSecond();
        LimitState state = open();
        assertNull(state.reserve(List.of(cell("1/m", 1))));
        clock.advance(Duration.ofSeconds(30));
        assertNotNull(state.reserve(List.of(cell("1/m", 1))), "half a minute later");
        clock.advance(Duration.ofSeconds(30));
        Refusal refusal = state.reserve(List.of(cell("1/m", 1)));
        assertNotNull(refusal, "a minute later the first one's bucket (10:00:00-10:00:01) still meets the window");
        assertEquals(500_000, refusal.waitMicros(), "until that bucket has left the window");
        clock.advance(Duration.ofNanos(499_999_000));
        assertNotNull(state.reserve(List.of(cell("1/m", 1))), "a microsecond before it leaves");
        clock.advance(Duration.ofNanos(1000));
        assertNull(state.reserve(List.of(cell("1/m", 1))), "once it has left");
    }

    @Test
    void theSixtyFirstWaitsUntilTheFirstOnesBucketLeaves() {
        midSecond();
        LimitState state = open();
        assertNull(state.reserve(List.of(cell("60/m", 1))));
        clock.advance(Duration.ofSeconds(10));
        for (int i = 1; i < 60; i++) {
            assertNull(state.reserve(List.of(cell("60/m", 1))), "recipient " + i + " within the minute's 60");
        }
        clock.advance(Duration.ofSeconds(50));
        Refusal refusal = state.reserve(List.of(cell("60/m", 1)));
        assertNotNull(refusal, "60 s after the first: the 61st in its window");
        assertEquals(500_000, refusal.waitMicros());
        clock.advance(Duration.ofMillis(500));
        assertNull(state.reserve(List.of(cell("60/m", 1))), "the first one's bucket left: room for one");
        assertNotNull(state.reserve(List.of(cell("60/m", 1))), "and only one: the other 59 are 10 s younger");
        assertEquals(Duration.ofSeconds(10).toNanos() / 1000,
                state.reserve(List.of(cell("60/m", 1))).waitMicros());
    }

    @Test
    void aRequestWaitsUntilAllItsRecipientsFit() {
        LimitState state = open();
        for (int i = 0; i < 8; i++) {
            assertNull(state.reserve(List.of(cell("10/m", 1))));
            clock.advance(Duration.ofSeconds(1));
        }
        Refusal refusal = state.reserve(List.of(cell("10/m", 3)));
        assertNotNull(refusal, "8 + 3 > 10");
        assertEquals(Duration.ofSeconds(53).toNanos() / 1000, refusal.waitMicros(),
                "room for 3 once the first one's bucket has left, 60 s after it");
    }

    /**
     * Random arrivals of 1 to 3 recipients, sometimes bursts, over 20 minutes: every sliding
     * minute holds at most 60, and the limit is not starved (most of each minute's 60 go).
     */
    @Test
    void noSlidingMinuteEverHoldsMoreThanItsCount() {
        LimitState state = open();
        var random = new Random(15);
        var sent = new ArrayList<long[]>();
        Instant end = clock.instant().plus(Duration.ofMinutes(20));
        while (clock.instant().isBefore(end)) {
            long cost = 1 + random.nextInt(3);
            if (state.reserve(List.of(cell("60/m", cost))) == null) {
                sent.add(new long[] {micros(), cost});
            }
            clock.advance(Duration.ofMillis(random.nextInt(10) == 0 ? 0 : random.nextInt(2000)));
        }
        assertAtMost(sent, 60, Duration.ofMinutes(1));
        long total = sent.stream().mapToLong(s -> s[1]).sum();
        assertTrue(total >= 20 * 60 * 0.9, "sent " + total + " in 20 minutes at 60/m");
    }

    /**
     * Per second, with emails of one to five recipients: no sliding second above N + k - 1 (k the
     * largest email in it), and no second above N where every email has one recipient.
     */
    @Test
    void aSlidingSecondHoldsAtMostItsCountPlusOneEmailsOtherRecipients() {
        LimitState state = open();
        var random = new Random(16);
        var sent = new ArrayList<long[]>();
        var singles = new ArrayList<long[]>();
        for (int i = 0; i < 3000; i++) {
            long cost = i < 1500 ? 1 : 1 + random.nextInt(5);
            if (state.reserve(List.of(cell("5/s", cost))) == null) {
                (i < 1500 ? singles : sent).add(new long[] {micros(), cost});
            }
            clock.advance(Duration.ofMillis(random.nextInt(150)));
        }
        assertAtMost(singles, 5, Duration.ofSeconds(1));
        assertAtMost(sent, 5 + 4, Duration.ofSeconds(1));
    }

    /**
     * A saturated limit does not starve an email of several recipients: right behind singles
     * that keep the limiter busy, it goes as soon as the limiter is free, like them.
     */
    @Test
    void anEmailOfSeveralRecipientsIsNotStarvedBySinglesKeepingTheLimitFull() {
        LimitState state = open();
        for (int i = 0; i < 4; i++) {
            assertNull(state.reserve(List.of(cell("5/s", 1))));
            clock.advance(Duration.ofMillis(200));
        }
        assertNull(state.reserve(List.of(cell("5/s", 5))), "free now: it goes");
        Refusal next = state.reserve(List.of(cell("5/s", 1)));
        assertNotNull(next);
        assertEquals(1_000_000, next.waitMicros(), "its five recipients are paid off before the next one");
    }

    /** Two windows of one limit (and a domain beside the server), each checked in every sliding window. */
    @Test
    void severalWindowsHoldTogether() {
        LimitState state = open();
        var random = new Random(17);
        var perSecond = new ArrayList<long[]>();
        var perMinute = new ArrayList<long[]>();
        var domain = new ArrayList<long[]>();
        for (int i = 0; i < 2500; i++) {
            long cost = 1 + random.nextInt(2);
            boolean toDomain = random.nextBoolean();
            var cells = new ArrayList<>(List.of(cell("server", "3/s", cost), cell("server", "40/m", cost)));
            if (toDomain) {
                cells.add(0, cell("domain:d", "10/h", cost));
            }
            if (state.reserve(cells) == null) {
                perSecond.add(new long[] {micros(), cost});
                perMinute.add(new long[] {micros(), cost});
                if (toDomain) {
                    domain.add(new long[] {micros(), cost});
                }
            }
            clock.advance(Duration.ofMillis(random.nextInt(1000)));
        }
        assertAtMost(perSecond, 3 + 1, Duration.ofSeconds(1)); // N + k - 1 with emails of up to 2 recipients
        assertAtMost(perMinute, 40, Duration.ofMinutes(1));
        assertAtMost(domain, 10, Duration.ofHours(1));
        assertTrue(domain.stream().mapToLong(s -> s[1]).sum() >= 8, "the domain's hour was used");
    }

    @Test
    void aRefusalTakesNothingFromTheOtherCells() {
        LimitState state = open();
        Cell perSecond = cell("10/s", 1);
        Cell perMinute = cell("3/m", 1);
        for (int i = 0; i < 3; i++) {
            assertNull(state.reserve(List.of(perSecond, perMinute)));
            clock.advance(Duration.ofMillis(100));
        }
        Refusal refusal = state.reserve(List.of(perSecond, perMinute));
        assertEquals(1, refusal.cell(), "the per-minute quota refused");
        assertEquals(0, state.fill(List.of(perSecond)).get(perSecond.row()).waitMicros(),
                "the per-second window kept nothing of the refused request");
        assertNull(state.reserve(List.of(perSecond)), "so it still has room");
    }

    @Test
    void aRefusalNamesTheWindowThatKeepsTheRequestWaitingLongest() {
        LimitState state = open();
        Cell perSecond = cell("1/s", 1);
        Cell perMinute = cell("1/m", 1);
        assertNull(state.reserve(List.of(perSecond, perMinute)));
        clock.advance(Duration.ofMillis(100));

        Refusal refusal = state.reserve(List.of(perSecond, perMinute));

        assertEquals(1, refusal.cell(), "both are full; the minute frees up last");
        assertTrue(refusal.waitMicros() > 58_000_000L, "about a minute, not the second's 0.9 s: " + refusal.waitMicros());
    }

    /** An email with more recipients than the window's N can never fit: it goes alone, into an empty window. */
    @Test
    void anEmailBiggerThanTheWindowGoesAloneInIt() {
        midSecond();
        LimitState state = open();
        assertNull(state.reserve(List.of(cell("3/m", 1))));
        clock.advance(Duration.ofSeconds(5));
        Refusal refusal = state.reserve(List.of(cell("3/m", 5)));
        assertNotNull(refusal, "5 recipients at 3/m wait for an empty window");
        assertEquals(Duration.ofMillis(55_500).toNanos() / 1000, refusal.waitMicros());
        clock.advance(Duration.ofMillis(55_500));
        assertNull(state.reserve(List.of(cell("3/m", 5))), "alone in its window");
        assertEquals(5.0 / 3, state.fill(List.of(cell("3/m", 1))).get(cell("3/m", 1).row()).fullness(), 1e-9);
        clock.advance(Duration.ofSeconds(59));
        assertNotNull(state.reserve(List.of(cell("3/m", 1))), "nothing follows it within its window");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1_000_000, state.reserve(List.of(cell("3/m", 1))).waitMicros(),
                "a minute after it, its bucket (which it began) still meets the window: one bucket more");
        clock.advance(Duration.ofSeconds(1));
        assertNull(state.reserve(List.of(cell("3/m", 1))));

        assertNull(state.reserve(List.of(cell("p", "2/s", 5))), "per second, from idle too");
        assertEquals(2_500_000, state.reserve(List.of(cell("p", "2/s", 1))).waitMicros(), "then 2.5 s free");
    }

    @Test
    void fillSaysHowFullEachWindowIs() {
        LimitState state = open();
        for (int i = 0; i < 30; i++) {
            assertNull(state.reserve(List.of(cell("60/m", 1), cell("20/s", 1))));
            clock.advance(Duration.ofMillis(50));
        }
        clock.advance(Duration.ofMillis(-50));
        var fill = state.fill(List.of(cell("60/m", 1), cell("20/s", 1)));
        assertEquals(0.5, fill.get(cell("60/m", 1).row()).fullness(), 1e-9);
        assertEquals(0, fill.get(cell("60/m", 1).row()).waitMicros());
        assertEquals(0.05, fill.get(cell("20/s", 1).row()).fullness(), 1e-9, "one interval of a second ahead");
        assertEquals(50_000, fill.get(cell("20/s", 1).row()).waitMicros());
    }

    @Test
    void aRestartKeepsTheCounts() {
        midSecond();
        LimitState before = open();
        for (int i = 0; i < 3; i++) {
            assertNull(before.reserve(List.of(cell("3/d", 1))));
        }
        assertNull(before.reserve(List.of(cell("1/s", 1))));
        LimitState after = reopen(before);
        assertEquals(1_000_000, after.reserve(List.of(cell("1/s", 1))).waitMicros(), "the pace too");
        clock.advance(Duration.ofHours(1));
        Refusal refusal = after.reserve(List.of(cell("3/d", 1)));
        assertNotNull(refusal, "the day's 3 are used, after the restart too");
        // The first bucket, 10:00:00 to 10:24:00, leaves the window a day after it ends.
        assertEquals(Duration.ofHours(23).plusMinutes(23).plusSeconds(59).plusMillis(500).toNanos() / 1000,
                refusal.waitMicros());
    }

    /** Every sliding window of {@code length} (they peak at an admission) holds at most {@code n}. */
    static void assertAtMost(List<long[]> sent, long n, Duration length) {
        long lengthMicros = length.toNanos() / 1000;
        int first = 0;
        long inWindow = 0;
        for (int last = 0; last < sent.size(); last++) {
            inWindow += sent.get(last)[1];
            while (sent.get(first)[0] <= sent.get(last)[0] - lengthMicros) {
                inWindow -= sent.get(first)[1];
                first++;
            }
            long at = sent.get(last)[0];
            long count = inWindow;
            assertTrue(count <= n, () -> count + " sent in the " + length + " up to " + Instant.EPOCH.plusNanos(at * 1000)
                    + ", at most " + n + " allowed");
        }
    }
}
