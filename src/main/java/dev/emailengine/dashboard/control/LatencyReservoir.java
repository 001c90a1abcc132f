package dev.emailengine.dashboard.control;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The send latencies of one interval, for its percentiles: every value while there are few, a
 * uniform sample of them past {@code capacity} (reservoir sampling), so a busy interval costs
 * the same memory as a quiet one and a worker never waits on more than a short lock.
 */
final class LatencyReservoir {

    /** Milliseconds; absent (null) when nothing was recorded. */
    record Percentiles(double p50, double p90, double p99) {
    }

    private final long[] values;
    private int kept;
    private long seen;

    LatencyReservoir(int capacity) {
        this.values = new long[capacity];
    }

    synchronized void record(long nanos) {
        seen++;
        if (kept < values.length) {
            values[kept++] = nanos;
        } else {
            long slot = ThreadLocalRandom.current().nextLong(seen);
            if (slot < values.length) {
                values[(int) slot] = nanos;
            }
        }
    }

    /** The percentiles of what was recorded since the last call, then starts a new interval. */
    Percentiles drain() {
        long[] copy;
        synchronized (this) {
            copy = Arrays.copyOf(values, kept);
            kept = 0;
            seen = 0;
        }
        if (copy.length == 0) {
            return null;
        }
        Arrays.sort(copy);
        return new Percentiles(millis(copy, 0.50), millis(copy, 0.90), millis(copy, 0.99));
    }

    /** Nearest rank: the smallest value at least {@code q} of the values are not above. */
    private static double millis(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        long nanos = sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
