package dev.emailengine.pacing.control;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One window of a limit, {@code N/s|m|h|d}: at most {@code count} recipients in any sliding
 * window of {@code length}. A per-second window is a pace ({@link Gcra}, one recipient every
 * {@code 1 s / N}, so {@code 1/s} can never send two in a second); a longer window is a count
 * ({@link SlidingCount}) that may be spent at once, as a daily quota is meant to.
 */
public record RateWindow(long count, Duration length) {

    private static final Pattern FORM = Pattern.compile("(\\d{1,12})\\s*/\\s*([smhd])");

    public RateWindow {
        if (count < 1) {
            throw new IllegalArgumentException("a rate needs at least 1 per window");
        }
    }

    /** Parses {@code 14/s}; the message names the setting. */
    public static RateWindow parse(String setting, String text) {
        Matcher m = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException(setting + ": '" + text.strip()
                    + "' is not a rate; write N/s, N/m, N/h or N/d with N at least 1 (for example 14/s or 50000/d)");
        }
        Duration length = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
        return new RateWindow(Long.parseLong(m.group(1)), length);
    }

    /**
     * Microseconds between two recipients, rounded up: rounding down would let a window's
     * {@code count + 1}-th recipient in just before the window ends (3/s would send 4 in a second).
     */
    public long intervalMicros() {
        long micros = length.toNanos() / 1000;
        return (micros + count - 1) / count;
    }

    /** A per-second window, kept as a pace; longer ones are counted. */
    public boolean paced() {
        return length.equals(Duration.ofSeconds(1));
    }

    public long lengthMicros() {
        return length.toNanos() / 1000;
    }

    /** Recipients per second. */
    public double perSecond() {
        return count * 1e9 / length.toNanos();
    }

    @Override
    public String toString() {
        String unit = switch ((int) length.toSeconds()) {
            case 1 -> "s";
            case 60 -> "m";
            case 3600 -> "h";
            default -> "d";
        };
        return count + "/" + unit;
    }
}
