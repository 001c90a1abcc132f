package dev.emailengine.pacing.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Additive increase, multiplicative decrease of a limiter's pace, per limiter key: a throttling
 * reply halves it (at most once a second, as one burst of replies tells one thing); it grows back
 * by half a percent of its ceiling per recipient sent through it and by 5 % of its ceiling per
 * second without a cut, and once back at the ceiling (the configured limit, or the rate it was
 * seen sending at) the key is forgotten. Growing back with time too matters at a low pace: a
 * limit cut to a trickle sends too few recipients to climb back on them alone (an instance cut
 * to 0.05/s after a few throttling replies took hours). Per instance: on PostgreSQL each
 * instance slows its own share.
 */
public class Aimd {

    static final Duration CUT_SPACING = Duration.ofSeconds(1);
    /** Of the ceiling, per recipient sent: from half the ceiling back to it in 100 recipients. */
    static final double STEP = 0.005;
    /** Of the ceiling, per second without a cut: from its floor back to it in under 20 s. */
    static final double STEP_PER_SECOND = 0.05;
    /** The pace never falls below this many recipients a second, nor below 1/16 of its ceiling. */
    static final double FLOOR = 0.2;
    static final int LOWEST_FRACTION = 16;

    private static final class Pace {
        final double ceiling;
        double rate;
        Instant lastCut;
        Instant updated;

        Pace(double ceiling, Instant now) {
            this.ceiling = ceiling;
            this.rate = ceiling;
            this.updated = now;
        }

        /** The pace now, grown back with the time since it was last changed. */
        double rate(Instant now) {
            double seconds = Math.max(0, Duration.between(updated, now).toNanos() / 1e9);
            rate = Math.min(ceiling, rate + ceiling * STEP_PER_SECOND * seconds);
            updated = now;
            return rate;
        }
    }

    private final Map<String, Pace> paces = new ConcurrentHashMap<>();
    private final Clock clock;

    public Aimd(Clock clock) {
        this.clock = clock;
    }

    /**
     * Halves the key's pace, unless it was cut less than a second ago.
     *
     * @param ceiling the key's configured rate per second, or the rate it was seen sending at
     * @return true when it was cut now
     */
    public boolean cut(String key, double ceiling, Instant now) {
        Pace pace = paces.computeIfAbsent(key, k -> new Pace(Math.max(ceiling, FLOOR), now));
        synchronized (pace) {
            if (pace.lastCut != null && Duration.between(pace.lastCut, now).compareTo(CUT_SPACING) < 0) {
                return false;
            }
            pace.lastCut = now;
            pace.rate = Math.max(Math.max(FLOOR, pace.ceiling / LOWEST_FRACTION), pace.rate(now) / 2);
            return true;
        }
    }

    /** Recipients went through the key: its pace grows back, and is forgotten at its ceiling. */
    public void recover(String key, long recipients) {
        Pace pace = paces.get(key);
        if (pace == null) {
            return;
        }
        synchronized (pace) {
            pace.rate = pace.rate(clock.instant()) + pace.ceiling * STEP * recipients;
            if (pace.rate >= pace.ceiling) {
                paces.remove(key, pace);
            }
        }
    }

    /** The key's pace per second while it is cut; empty at its ceiling. */
    public OptionalDouble rate(String key) {
        Pace pace = paces.get(key);
        if (pace == null) {
            return OptionalDouble.empty();
        }
        synchronized (pace) {
            double rate = pace.rate(clock.instant());
            if (rate >= pace.ceiling) {
                paces.remove(key, pace);
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(rate);
        }
    }

    public boolean anyCut() {
        return !paces.isEmpty();
    }

    public Iterable<String> keys() {
        return paces.keySet();
    }
}
