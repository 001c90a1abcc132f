package dev.emailengine.pacing.control;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the emails a full domain refused are postponed to. Emails postponed for the first time
 * are spread one slot apart along the domain's line, so a backlog of one domain does not all
 * come due, and get refused, at the same instant; an email refused again goes at the first free
 * slot, not to the end of the line. The bookkeeping stays bounded: an email not asked about again
 * a while after it came due was finished elsewhere (sent by another instance, cancelled, dead)
 * and is forgotten, as is a line that has ended.
 */
final class Postponements {

    static final int MAX_TRACKED = 100_000;
    /** Past an email's due time, how long it may take a busy queue to bring it back before it is forgotten. */
    static final long FORGET_AFTER_MICROS = 15 * 60 * 1_000_000L;
    private static final long SWEEP_EVERY_MICROS = 60 * 1_000_000L;

    /** Per domain key, the end of the line of emails postponed for it (microseconds). */
    private final Map<String, Long> lines = new ConcurrentHashMap<>();
    /** Emails postponed, with the time they were postponed to. */
    private final Map<String, Long> postponed = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep = new AtomicLong(Long.MIN_VALUE);

    /**
     * When a refused email should come back.
     *
     * @param earliest when the domain will have room for it
     * @param step the time its recipients take at the domain's rate
     */
    long postpone(String id, String key, long earliest, long step, long now) {
        sweep(now);
        if (postponed.containsKey(id)) {
            postponed.put(id, earliest);
            return earliest;
        }
        if (postponed.size() >= MAX_TRACKED) {
            return earliest;
        }
        long[] slot = new long[1];
        lines.compute(key, (k, end) -> {
            slot[0] = end == null ? earliest : Math.max(end, earliest);
            return slot[0] + step;
        });
        postponed.put(id, slot[0]);
        return slot[0];
    }

    /** The email got its room: it is no longer waiting. */
    void granted(String id, long now) {
        sweep(now);
        postponed.remove(id);
    }

    int tracked() {
        return postponed.size() + lines.size();
    }

    private void sweep(long now) {
        long due = nextSweep.get();
        if (now < due || !nextSweep.compareAndSet(due, now + SWEEP_EVERY_MICROS)) {
            return;
        }
        postponed.values().removeIf(until -> until + FORGET_AFTER_MICROS < now);
        lines.values().removeIf(end -> end < now);
    }
}
