package dev.emailengine.webhooks.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void theDefaultSpansAboutThreeDaysThenGivesUp() {
        RetrySchedule schedule = new RetrySchedule(RetrySchedule.parse(RetrySchedule.DEFAULT).delays(), () -> 0.0);
        assertEquals(Optional.of(NOW.plusSeconds(5)), schedule.next(1, NOW));
        assertEquals(Optional.of(NOW.plus(Duration.ofMinutes(5))), schedule.next(2, NOW));
        assertEquals(Optional.of(NOW.plus(Duration.ofMinutes(30))), schedule.next(3, NOW));
        assertEquals(Optional.of(NOW.plus(Duration.ofHours(2))), schedule.next(4, NOW));
        Duration total = Duration.ZERO;
        int attempts = 1;
        for (Optional<Instant> next = schedule.next(attempts, NOW); next.isPresent(); next = schedule.next(++attempts, NOW)) {
            total = total.plus(Duration.between(NOW, next.get()));
        }
        assertEquals(schedule.maxAttempts(), attempts);
        assertTrue(total.compareTo(Duration.ofDays(3)) >= 0 && total.compareTo(Duration.ofDays(4)) < 0, total.toString());
    }

    @Test
    void jitterAddsUpToAFifth() {
        RetrySchedule schedule = new RetrySchedule(RetrySchedule.parse("100s").delays(), () -> 0.999);
        Instant next = schedule.next(1, NOW).orElseThrow();
        assertTrue(next.isAfter(NOW.plusSeconds(119)) && next.isBefore(NOW.plusSeconds(120)), next.toString());
        assertEquals(Optional.empty(), schedule.next(2, NOW));
    }
}
