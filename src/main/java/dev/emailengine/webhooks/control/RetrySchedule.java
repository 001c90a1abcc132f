package dev.emailengine.webhooks.control;

import dev.emailengine.queue.control.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When a failed delivery is tried again: after each failed attempt the next delay of the
 * schedule, plus 0 to 20 % jitter so receivers coming back are not hit by every sender at once;
 * after the last one, never (given up). The default spans about three days.
 */
public class RetrySchedule {

    public static final String DEFAULT = "5s,5m,30m,2h,5h,10h,10h,10h,10h,10h,10h,10h";

    private final List<Duration> delays;
    private final DoubleSupplier random;

    public RetrySchedule(List<Duration> delays, DoubleSupplier random) {
        this.delays = List.copyOf(delays);
        this.random = random;
    }

    /** Parses {@code WEBHOOK_RETRY_SCHEDULE}: durations separated by commas. */
    public static RetrySchedule parse(String text) {
        List<Duration> delays = Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> Durations.parse("WEBHOOK_RETRY_SCHEDULE", s)).toList();
        return new RetrySchedule(delays, Math::random);
    }

    /** When to try again after {@code attempts} failed attempts; empty: give up. */
    public Optional<Instant> next(int attempts, Instant now) {
        if (attempts < 1 || attempts > delays.size()) {
            return Optional.empty();
        }
        Duration delay = delays.get(attempts - 1);
        long jitter = (long) (delay.toMillis() * 0.2 * random.getAsDouble());
        return Optional.of(now.plus(delay).plusMillis(jitter));
    }

    List<Duration> delays() {
        return delays;
    }

    public int maxAttempts() {
        return delays.size() + 1;
    }
}
