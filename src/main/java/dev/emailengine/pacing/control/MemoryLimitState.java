package dev.emailengine.pacing.control;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The limiters of one instance, in memory (the file store): every request is checked against
 * all its cells and only then taken, under one lock, so a refused request leaves nothing taken.
 * With a file, the limiters still ahead of now are written to it every few seconds and when the
 * application stops, and read back at start-up, so a restart mid-day does not hand out a daily
 * quota again (a crash forgets at most the last few seconds).
 */
public class MemoryLimitState implements LimitState {

    private static final System.Logger LOG = System.getLogger(MemoryLimitState.class.getName());
    private static final long SAVE_EVERY_NANOS = 5_000_000_000L;

    private final Clock clock;
    private final Path file;
    private final Map<String, Long> tats = new HashMap<>();
    private final ReentrantLock saving = new ReentrantLock();
    private volatile long lastSaved = System.nanoTime();

    public MemoryLimitState(Clock clock) {
        this(clock, null);
    }

    /** @param file where the state survives restarts; null: nowhere */
    public MemoryLimitState(Clock clock, Path file) {
        this.clock = clock;
        this.file = file;
        if (file != null && Files.exists(file)) {
            load();
        }
    }

    @Override
    public Refusal reserve(List<Cell> cells) {
        Refusal refusal = take(cells);
        if (refusal == null && file != null && System.nanoTime() - lastSaved > SAVE_EVERY_NANOS) {
            save();
        }
        return refusal;
    }

    private synchronized Refusal take(List<Cell> cells) {
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

    /** Writes the limiters still ahead of now (temp file, then rename); one writer at a time, the others skip. */
    public void save() {
        if (file == null || !saving.tryLock()) {
            return;
        }
        try {
            lastSaved = System.nanoTime();
            var text = new StringBuilder();
            synchronized (this) {
                long now = micros(clock.instant());
                tats.values().removeIf(tat -> tat <= now); // idle: the same as never used
                tats.forEach((row, tat) -> text.append(tat).append(' ').append(row).append('\n'));
            }
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not keep the rate limits in {0}: {1}", file, e.getMessage());
        } finally {
            saving.unlock();
        }
    }

    private void load() {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    tats.put(line.substring(space + 1), Long.parseLong(line.substring(0, space)));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Unreadable: the limits start afresh, as they would without the file.
            LOG.log(Level.WARNING, "could not read the rate limits kept in {0}: {1}", file, e.getMessage());
        }
    }

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
}
