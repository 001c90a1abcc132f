package dev.emailengine.pacing.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The buckets' arithmetic: their widths, which of them a window meets, when they leave. */
class SlidingCountTest {

    private static long micros(Duration d) {
        return d.toNanos() / 1000;
    }

    @Test
    void sixtyBucketsAWindow() {
        assertEquals(micros(Duration.ofSeconds(1)), SlidingCount.width(micros(Duration.ofMinutes(1))));
        assertEquals(micros(Duration.ofMinutes(1)), SlidingCount.width(micros(Duration.ofHours(1))));
        assertEquals(micros(Duration.ofMinutes(24)), SlidingCount.width(micros(Duration.ofDays(1))));
    }

    @Test
    void theOldestBucketMetCountsInFull() {
        long minute = micros(Duration.ofMinutes(1));
        var buckets = new TreeMap<Long, Long>();
        buckets.put(0L, 2L); // 0 s to 1 s
        buckets.put(30L, 1L);
        assertEquals(3, SlidingCount.used(buckets, micros(Duration.ofMillis(60_999)), minute),
                "(0.999 s, 60.999 s] meets the first bucket");
        assertEquals(1, SlidingCount.used(buckets, micros(Duration.ofSeconds(61)), minute), "(1 s, 61 s] does not");
        assertEquals(micros(Duration.ofSeconds(61)), SlidingCount.leaves(0, minute));
    }

    @Test
    void aRefusalWaitsForJustEnoughBucketsToLeave() {
        long minute = micros(Duration.ofMinutes(1));
        var buckets = new TreeMap<Long, Long>();
        buckets.put(0L, 2L);
        buckets.put(30L, 3L);
        long now = micros(Duration.ofSeconds(40));
        assertEquals(0, SlidingCount.waitFor(buckets, now, 6, minute, 1));
        assertEquals(micros(Duration.ofSeconds(21)), SlidingCount.waitFor(buckets, now, 6, minute, 2), "the first leaves");
        assertEquals(micros(Duration.ofSeconds(51)), SlidingCount.waitFor(buckets, now, 6, minute, 4), "both leave");
        assertEquals(micros(Duration.ofSeconds(51)), SlidingCount.waitFor(buckets, now, 6, minute, 9),
                "more than the window's 6: only into an empty window");
    }
}
