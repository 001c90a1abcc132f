package dev.emailengine.pacing.control;

/**
 * The generic cell rate algorithm (virtual scheduling) without burst, on microseconds, for
 * per-second windows. A limiter's whole state is its theoretical arrival time {@code tat}: when
 * it is next free. A request of {@code cost} recipients conforms when the limiter is free
 * ({@code tat <= now}) and then holds it for {@code cost} intervals from now, so the next
 * recipient waits until they are paid off. Emails of one recipient are one interval apart: never
 * more than N in a second. An email of k recipients goes at once (one SMTP transaction) and may
 * follow N - 1 others within a second, N + k - 1 in all. Asking it to wait until the k - 1
 * intervals before it were free as well would keep every second at N, but starves it: under a
 * saturated limit every freed interval is taken by an email of one recipient before the email of
 * k finds k - 1 of them free in a row (a to + cc email behind a bulk waits for the whole bulk).
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
        return Math.max(0, tat - now);
    }
}
