package dev.emailengine.pacing.control;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The limiters of one instance, in memory (the file store): every request is checked against
 * all its cells and only then taken, under one lock, so a refused request leaves nothing taken.
 */
public class MemoryLimitState implements LimitState {

    private final Clock clock;
    private final Map<String, Long> tats = new HashMap<>();

    public MemoryLimitState(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Refusal reserve(List<Cell> cells) {
        long now = micros(clock.instant());
        long[] taken = new long[cells.size()];
        for (int i = 0; i < cells.size(); i++) {
            Cell cell = cells.get(i);
            long tat = tats.getOrDefault(cell.row(), now);
            taken[i] = Gcra.take(tat, now, cell.cost(), cell.intervalMicros(), cell.burst());
            if (taken[i] == Long.MIN_VALUE) {
                return new Refusal(i, Math.max(1, Gcra.waitFor(tat, now, cell.cost(), cell.intervalMicros(), cell.burst())));
            }
        }
        for (int i = 0; i < cells.size(); i++) {
            tats.put(cells.get(i).row(), taken[i]);
        }
        return null;
    }

    @Override
    public synchronized Map<String, Long> backlog(Collection<String> rows) {
        long now = micros(clock.instant());
        var result = new LinkedHashMap<String, Long>();
        for (String row : rows) {
            result.put(row, Math.max(0, tats.getOrDefault(row, now) - now));
        }
        return result;
    }

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
}
