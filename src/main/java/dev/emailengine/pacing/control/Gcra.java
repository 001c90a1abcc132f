package dev.emailengine.pacing.control;

/**
 * The generic cell rate algorithm (virtual scheduling) without burst, on microseconds, for
 * per-second windows. A limiter's whole state is its theoretical arrival time {@code tat}: when
 * it is next free. A request of {@code cost} recipients conforms only when the limiter has been
 * free for the {@code cost - 1} intervals before now, as if those recipients had gone one
 * interval apart up to now; it then holds the limiter for {@code cost} intervals from now. Taking
 * them from the past idle time and from the future both is what keeps every sliding second at N:
 * conforming at {@code tat <= now} alone (plain GCRA) lets an email of k recipients follow N - 1
 * others within a second, N + k - 1 in all. An email of more than N recipients can never fit a
 * second; it goes alone: after at least a second free and followed by as long free.
 */
public final class Gcra {

    private Gcra() {
    }

    /** The new tat when the request conforms, otherwise {@link Long#MIN_VALUE}. */
    public static long take(long tat, long now, long cost, long intervalMicros) {
        return waitFor(tat, now, cost, intervalMicros) == 0 ? now + cost * intervalMicros : Long.MIN_VALUE;
    }

    /** Microseconds from now until a request of {@code cost} would conform (0: it does now). */
    public static long waitFor(long tat, long now, long cost, long intervalMicros) {
        return Math.max(0, tat + (cost - 1) * intervalMicros - now);
    }
}
