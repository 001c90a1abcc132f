package dev.emailengine.queue.control;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations in settings: {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s}, or ISO-8601 ({@code P7D}). */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*([dhms])");

    private Durations() {
    }

    public static Duration parse(String setting, String text) {
        String value = text.strip().toLowerCase(java.util.Locale.ROOT);
        Matcher m = SHORT.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            };
        }
        try {
            return Duration.parse(text.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(setting + " must look like 7d, 12h, 30m, 45s or P7D, not '" + text + "'");
        }
    }
}
