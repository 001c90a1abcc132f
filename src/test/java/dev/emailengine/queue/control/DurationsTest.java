package dev.emailengine.queue.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void acceptsShortAndIsoForms() {
        assertEquals(Duration.ofDays(7), Durations.parse("X", "7d"));
        assertEquals(Duration.ofHours(12), Durations.parse("X", " 12h "));
        assertEquals(Duration.ofMinutes(30), Durations.parse("X", "30m"));
        assertEquals(Duration.ofSeconds(45), Durations.parse("X", "45s"));
        assertEquals(Duration.ofDays(7), Durations.parse("X", "P7D"));
        assertEquals(Duration.ofHours(1), Durations.parse("X", "pt1h"));
    }

    @Test
    void rejectsNonsenseNamingTheSetting() {
        var e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("TRASH_RETENTION", "a week"));
        assertTrue(e.getMessage().contains("TRASH_RETENTION"));
    }
}
