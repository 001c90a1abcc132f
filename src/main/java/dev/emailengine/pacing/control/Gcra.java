package dev.emailengine.pacing.control;

/**
 * The generic cell rate algorithm (virtual scheduling), on microseconds. A limiter's whole state
 * is its theoretical arrival time {@code tat}: when it would next be idle. A request of
 * {@code cost} cells at {@code now} moves it to {@code max(tat, now) + cost·interval} and conforms
 * when that is at most {@code span} ahead of {@code now}, where the span is the burst's length,
 * or the request's own length when the request is bigger than the burst: such a request goes
 * through only from idle and puts the limiter in debt for the rest, otherwise it would never go.
 */
public final class Gcra {

    private Gcra() {
    }

    /** How far ahead of now the limiter may be scheduled after a request of {@code cost}. */
    public static long span(long intervalMicros, long burst, long cost) {
        return Math.max(burst, cost) * intervalMicros;
    }

    /** The new tat when the request conforms, otherwise {@link Long#MIN_VALUE}. */
    public static long take(long tat, long now, long cost, long intervalMicros, long burst) {
        long next = Math.max(tat, now) + cost * intervalMicros;
        return next - now <= span(intervalMicros, burst, cost) ? next : Long.MIN_VALUE;
    }

    /** Microseconds from now until a request of {@code cost} would conform (0: it does now). */
    public static long waitFor(long tat, long now, long cost, long intervalMicros, long burst) {
        long next = Math.max(tat, now) + cost * intervalMicros;
        return Math.max(0, next - now - span(intervalMicros, burst, cost));
    }
}
