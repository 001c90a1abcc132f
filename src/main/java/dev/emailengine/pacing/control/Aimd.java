package dev.emailengine.pacing.control;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Additive increase, multiplicative decrease of a limiter's pace, per limiter key: a throttling
 * reply halves it (at most once a second, as one burst of replies tells one thing), each
 * recipient sent through it afterwards gives back half a percent of its ceiling, and once back at
 * the ceiling (the configured limit) the key is forgotten. Per instance: on PostgreSQL each
 * instance slows its own share.
 */
public class Aimd {

    static final Duration CUT_SPACING = Duration.ofSeconds(1);
    /** Of the ceiling, per recipient sent: from half the ceiling back to it in 100 recipients. */
    static final double STEP = 0.005;
    /** The pace never falls below this many recipients a second, nor below 1/64 of its ceiling. */
    static final double FLOOR = 0.05;

    private static final class Pace {
        final double ceiling;
        double rate;
        Instant lastCut;

        Pace(double ceiling) {
            this.ceiling = ceiling;
            this.rate = ceiling;
        }
    }

    private final Map<String, Pace> paces = new ConcurrentHashMap<>();

    /**
     * Halves the key's pace, unless it was cut less than a second ago.
     *
     * @param ceiling the key's configured rate per second, or the rate it was seen sending at
     * @return true when it was cut now
     */
    public boolean cut(String key, double ceiling, Instant now) {
        Pace pace = paces.computeIfAbsent(key, k -> new Pace(Math.max(ceiling, FLOOR)));
        synchronized (pace) {
            if (pace.lastCut != null && Duration.between(pace.lastCut, now).compareTo(CUT_SPACING) < 0) {
                return false;
            }
            pace.lastCut = now;
            pace.rate = Math.max(Math.max(FLOOR, pace.ceiling / 64), pace.rate / 2);
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
            pace.rate += pace.ceiling * STEP * recipients;
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
            return OptionalDouble.of(pace.rate);
        }
    }

    public boolean anyCut() {
        return !paces.isEmpty();
    }

    public Iterable<String> keys() {
        return paces.keySet();
    }
}
