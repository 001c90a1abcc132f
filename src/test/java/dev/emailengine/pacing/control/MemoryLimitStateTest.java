package dev.emailengine.pacing.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file store's limiters survive a restart: a daily quota is not handed out twice in a day. */
class MemoryLimitStateTest {

    @TempDir
    Path data;

    private final ManualClock clock = new ManualClock();

    private static LimitState.Cell daily() {
        RateWindow w = RateWindow.parse("TEST", "3/d");
        return new LimitState.Cell("server/" + w, w.intervalMicros(), w.burst(), 1);
    }

    @Test
    void aRestartKeepsTheQuotaUsedSoFar() {
        Path file = data.resolve("rate-limits.txt");
        var before = new MemoryLimitState(clock, file);
        for (int i = 0; i < 3; i++) {
            assertNull(before.reserve(List.of(daily())));
        }
        assertNotNull(before.reserve(List.of(daily())), "the day's 3 are used");
        before.save();

        clock.advance(Duration.ofHours(1));
        var after = new MemoryLimitState(clock, file);
        LimitState.Refusal refusal = after.reserve(List.of(daily()));
        assertNotNull(refusal, "after the restart too");
        assertEquals(Duration.ofHours(7).toNanos() / 1000, refusal.waitMicros(), "the next one in 8 h from the first");
    }

    @Test
    void anUnreadableFileStartsAfresh() throws Exception {
        Path file = data.resolve("rate-limits.txt");
        Files.writeString(file, "not a number row\n");
        assertNull(new MemoryLimitState(clock, file).reserve(List.of(daily())));
    }
}
