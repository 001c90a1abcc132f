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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The limiters of one instance, in memory (the file store): every request is checked against
 * all its cells and only then taken, under one lock, so a refused request leaves nothing taken.
 * With a file, the limiters still in use are written to it every few seconds and when the
 * application stops, and read back at start-up, so a restart mid-day does not hand out a daily
 * quota again (a crash forgets at most the last few seconds).
 */
public class MemoryLimitState implements LimitState, LimitCheck.Rows {

    private static final System.Logger LOG = System.getLogger(MemoryLimitState.class.getName());
    private static final long SAVE_EVERY_NANOS = 5_000_000_000L;
    /** Without a file nothing saves, which is where idle rows go: every so many requests they go here. */
    private static final int FORGET_EVERY = 4096;

    /** A longer window's buckets, with its length to know which have left it. */
    private record Counted(long lengthMicros, TreeMap<Long, Long> buckets) {
    }

    private final Clock clock;
    private final Path file;
    private final Map<String, Long> tats = new HashMap<>();
    private final Map<String, Counted> counted = new HashMap<>();
    private final ReentrantLock saving = new ReentrantLock();
    private volatile long lastSaved = System.nanoTime();
    private int requests;

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
        if (++requests % FORGET_EVERY == 0) {
            forgetIdle(now);
        }
        Refusal refusal = LimitCheck.check(cells, now, this);
        if (refusal != null) {
            return refusal;
        }
        for (Cell cell : cells) {
            if (cell.paced()) {
                tats.put(cell.row(), LimitCheck.takenTat(cell, now));
            } else {
                TreeMap<Long, Long> buckets = counted
                        .computeIfAbsent(cell.row(), r -> new Counted(cell.lengthMicros(), new TreeMap<>())).buckets();
                buckets.merge(SlidingCount.bucket(now, cell.lengthMicros()), cell.cost(), Long::sum);
                buckets.headMap(SlidingCount.oldest(now, cell.lengthMicros())).clear();
            }
        }
        return null;
    }

    @Override
    public synchronized long tat(String row) {
        return tats.getOrDefault(row, 0L);
    }

    @Override
    public synchronized NavigableMap<Long, Long> buckets(String row) {
        Counted c = counted.get(row);
        return c == null ? LimitCheck.NO_BUCKETS : c.buckets();
    }

    @Override
    public synchronized Map<String, Fill> fill(List<Cell> cells) {
        long now = micros(clock.instant());
        var result = new LinkedHashMap<String, Fill>();
        for (Cell cell : cells) {
            result.put(cell.row(), LimitCheck.fill(cell, now, this));
        }
        return result;
    }

    /** Rows idle now are the same as rows never used: a free pace, buckets that left their window. */
    private void forgetIdle(long now) {
        tats.values().removeIf(tat -> tat <= now);
        counted.values().removeIf(c -> {
            c.buckets().headMap(SlidingCount.oldest(now, c.lengthMicros())).clear();
            return c.buckets().isEmpty();
        });
    }

    /**
     * Writes the limiters still in use (temp file, then rename); one writer at a time, the others
     * skip. A line is {@code <tat> <row>} for a per-second window (as the previous release wrote
     * every window) or {@code w <length> <bucket>:<count>,... <row>} for a longer one.
     */
    public void save() {
        if (file == null || !saving.tryLock()) {
            return;
        }
        try {
            lastSaved = System.nanoTime();
            var text = new StringBuilder();
            synchronized (this) {
                forgetIdle(micros(clock.instant()));
                tats.forEach((row, tat) -> text.append(tat).append(' ').append(row).append('\n'));
                counted.forEach((row, c) -> {
                    text.append("w ").append(c.lengthMicros()).append(' ');
                    c.buckets().forEach((bucket, count) -> text.append(bucket).append(':').append(count).append(','));
                    text.setLength(text.length() - 1);
                    text.append(' ').append(row).append('\n');
                });
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
        long now = micros(clock.instant());
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("w ")) {
                    String[] parts = line.split(" ", 4);
                    var buckets = new TreeMap<Long, Long>();
                    for (String bucket : parts[2].split(",")) {
                        int colon = bucket.indexOf(':');
                        buckets.put(Long.parseLong(bucket.substring(0, colon)), Long.parseLong(bucket.substring(colon + 1)));
                    }
                    counted.put(parts[3], new Counted(Long.parseLong(parts[1]), buckets));
                    continue;
                }
                int space = line.indexOf(' ');
                if (space > 0) {
                    String row = line.substring(space + 1);
                    long tat = Long.parseLong(line.substring(0, space));
                    RateWindow window = longerWindowOf(row);
                    if (window == null) {
                        tats.put(row, tat);
                    } else if (tat > now) {
                        counted.put(row, new Counted(window.lengthMicros(), carriedOver(window, tat, now)));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unreadable: the limits start afresh, as they would without the file.
            tats.clear();
            counted.clear();
            LOG.log(Level.WARNING, "could not read the rate limits kept in {0}: {1}", file, e.getMessage());
        }
    }

    /** The window a row is named after ({@code server/50000/d}) when it is longer than a second, else null. */
    private static RateWindow longerWindowOf(String row) {
        int unit = row.lastIndexOf('/');
        int count = unit > 0 ? row.lastIndexOf('/', unit - 1) : -1;
        if (count < 0 || !row.substring(count + 1).matches("\\d+/[mhd]")) {
            return null;
        }
        return RateWindow.parse("rate-limits.txt", row.substring(count + 1));
    }

    /**
     * The previous release kept longer windows as GCRA times too. What one still had ahead of now
     * becomes that many recipients (at most N) in the current bucket: what that release would
     * still have refused now. The V5 migration does the same on PostgreSQL.
     */
    private static TreeMap<Long, Long> carriedOver(RateWindow window, long tat, long now) {
        long interval = window.intervalMicros();
        var buckets = new TreeMap<Long, Long>();
        buckets.put(SlidingCount.bucket(now, window.lengthMicros()),
                Math.min(window.count(), (tat - now + interval - 1) / interval));
        return buckets;
    }

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
}
