package dev.emailengine.pacing.control;

import java.util.Map;
import java.util.NavigableMap;

/**
 * At most N recipients in every sliding window of a length longer than a second ({@code N/m},
 * {@code N/h}, {@code N/d}), counted in {@link #BUCKETS} buckets per window: a bucket is a fixed
 * slice of time (aligned on the epoch) holding how many recipients were admitted in it. A request
 * is admitted when the buckets that intersect {@code (now - length, now]} hold, with it, at most
 * N. The oldest of them is only partly in the window but counts in full, so the check can only
 * over-count: no sliding window ever holds more than N, and a refused request may wait up to one
 * bucket longer than an exact count would make it (1/60 of the window: a second for {@code /m},
 * 24 minutes for {@code /d}). Sixty buckets keep that error small while a check reads at most 61
 * of them. A request of more than N recipients can never fit: it goes alone, only into a window
 * holding nothing, and nothing follows it until it has left the window.
 */
public final class SlidingCount {

    /** Buckets per window. The V5 migration uses the same number to carry over the previous release's state. */
    public static final int BUCKETS = 60;

    private SlidingCount() {
    }

    /** A bucket's length: a 60th of the window, rounded up. */
    public static long width(long lengthMicros) {
        return (lengthMicros + BUCKETS - 1) / BUCKETS;
    }

    /** The bucket {@code now} falls in. */
    public static long bucket(long now, long lengthMicros) {
        return Math.floorDiv(now, width(lengthMicros));
    }

    /** The oldest bucket that still intersects {@code (now - length, now]}; older ones can go. */
    public static long oldest(long now, long lengthMicros) {
        return Math.floorDiv(now - lengthMicros, width(lengthMicros));
    }

    /** When a bucket leaves every window that ends at or after it: {@code oldest} has passed it. */
    public static long leaves(long bucket, long lengthMicros) {
        return (bucket + 1) * width(lengthMicros) + lengthMicros;
    }

    /** The recipients counted in the window ending now. */
    public static long used(NavigableMap<Long, Long> buckets, long now, long lengthMicros) {
        long sum = 0;
        for (long count : live(buckets, now, lengthMicros).values()) {
            sum += count;
        }
        return sum;
    }

    /** Microseconds from now until a request of {@code cost} fits (0: it does now). */
    public static long waitFor(NavigableMap<Long, Long> buckets, long now, long count, long lengthMicros, long cost) {
        NavigableMap<Long, Long> live = live(buckets, now, lengthMicros);
        long used = 0;
        for (long c : live.values()) {
            used += c;
        }
        // More than N can only go into an empty window (alone): it waits for every bucket to leave.
        long room = cost > count ? 0 : count - cost;
        if (used <= room) {
            return 0;
        }
        for (Map.Entry<Long, Long> bucket : live.entrySet()) {
            used -= bucket.getValue();
            if (used <= room) {
                return Math.max(1, leaves(bucket.getKey(), lengthMicros) - now);
            }
        }
        throw new IllegalStateException("unreachable: an empty window has room");
    }

    /** Buckets ahead of now count too: a clock set back must not forget what was sent. */
    private static NavigableMap<Long, Long> live(NavigableMap<Long, Long> buckets, long now, long lengthMicros) {
        return buckets.tailMap(oldest(now, lengthMicros), true);
    }
}
