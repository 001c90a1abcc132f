package dev.emailengine.pacing.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.emailengine.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file store's state file: the previous release's, and one that cannot be read. (The rest: the contract.) */
class MemoryLimitStateTest {

    @TempDir
    Path data;

    private final ManualClock clock = new ManualClock();

    @Test
    void theLastReleasesFileCarriesOverWhatItHeldAhead() throws Exception {
        Path file = data.resolve("rate-limits.txt");
        long now = MemoryLimitState.micros(clock.instant());
        // The previous release's GCRA: 60/m held 30 s ahead (30 recipients), 1/s 0.4 s, 5/h idle.
        Files.writeString(file, (now + 30_000_000) + " server/60/m\n" + (now + 400_000) + " server/1/s\n"
                + (now - 1) + " domain:x.test/5/h\n");
        var state = new MemoryLimitState(clock, file);
        assertNotNull(state.reserve(List.of(LimitStateContract.cell("server", "60/m", 31))));
        assertNull(state.reserve(List.of(LimitStateContract.cell("server", "60/m", 30))));
        assertEquals(400_000, state.reserve(List.of(LimitStateContract.cell("server", "1/s", 1))).waitMicros());
        assertNull(state.reserve(List.of(LimitStateContract.cell("domain:x.test", "5/h", 5))));
    }

    @Test
    void anUnreadableFileStartsAfresh() throws Exception {
        Path file = data.resolve("rate-limits.txt");
        Files.writeString(file, "w 60000000 12:x server/3/m\nnot a number row\n");
        var state = new MemoryLimitState(clock, file);
        for (int i = 0; i < 3; i++) {
            assertNull(state.reserve(List.of(LimitStateContract.cell("server", "3/d", 1))));
        }
        clock.advance(Duration.ofHours(1));
        assertNotNull(state.reserve(List.of(LimitStateContract.cell("server", "3/d", 1))));
    }
}
