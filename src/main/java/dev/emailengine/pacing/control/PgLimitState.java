package dev.emailengine.pacing.control;

import java.lang.System.Logger.Level;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The limiters every instance shares, in PostgreSQL, so a limit holds for the cluster as a whole:
 * a row per limiter window in {@code rate_limit} (a per-second pace's theoretical arrival time),
 * and for a longer window its buckets in {@code rate_limit_bucket}. A request takes its rows'
 * locks in one transaction, in key order (so two instances never wait on each other in a cycle),
 * and only then reads the time and the buckets: one instance's check and add is over before the
 * next one's starts, and a request that waited for a lock is judged at the time it got it, not
 * at the time it asked (judged earlier, it would go early). Times are the database's clock only:
 * instances whose clocks disagree still share one schedule; a refusal's wait is a duration, which
 * the caller adds to its own clock. The commit does not wait for the disk: a crash of the
 * database server can forget the last few milliseconds of sending, which the limit then allows
 * again.
 */
public class PgLimitState implements LimitState {

    private static final System.Logger LOG = System.getLogger(PgLimitState.class.getName());
    private static final String LOCK = "SELECT key, tat FROM rate_limit WHERE key = ANY(?) ORDER BY key FOR UPDATE";
    /** Committed on its own, holding no lock meanwhile: a row is created once, then only locked. */
    private static final String CREATE = "INSERT INTO rate_limit (key, tat)"
            + " SELECT k, 0 FROM unnest(?::text[]) AS k ORDER BY k ON CONFLICT (key) DO NOTHING";
    private static final String READ_TATS = "SELECT key, tat FROM rate_limit WHERE key = ANY(?)";
    private static final String READ = "SELECT set_config('synchronous_commit', 'off', true),"
            + " (extract(epoch FROM clock_timestamp()) * 1000000)::bigint,"
            + " array_agg(key), array_agg(bucket), array_agg(count) FROM rate_limit_bucket WHERE key = ANY(?)";
    private static final String WRITE = "WITH paced AS (UPDATE rate_limit l SET tat = v.tat"
            + " FROM unnest(?::text[], ?::bigint[]) AS v(key, tat) WHERE l.key = v.key RETURNING 1),"
            + " added AS (INSERT INTO rate_limit_bucket (key, bucket, count)"
            + " SELECT * FROM unnest(?::text[], ?::bigint[], ?::bigint[])"
            + " ON CONFLICT (key, bucket) DO UPDATE SET count = rate_limit_bucket.count + excluded.count RETURNING 1),"
            + " gone AS (DELETE FROM rate_limit_bucket o USING unnest(?::text[], ?::bigint[]) AS v(key, oldest)"
            + " WHERE o.key = v.key AND o.bucket < v.oldest RETURNING 1)"
            + " SELECT (SELECT count(*) FROM paced), (SELECT count(*) FROM added), (SELECT count(*) FROM gone)";
    /** A row whose time is this long past: idle, the same as no row (its buckets go with it). */
    /**
     * Locks what it deletes in key order and skips rows a reservation holds: a plain DELETE locks
     * in scan order, against the reservations' key order, a deadlock waiting to happen.
     */
    private static final String PURGE = "DELETE FROM rate_limit WHERE key IN (SELECT key FROM rate_limit"
            + " WHERE tat < ? - 60000000 ORDER BY key FOR UPDATE SKIP LOCKED)";
    /** A row deleted as idle between its creation and its lock is created again; more often than this is a fault. */
    private static final int ATTEMPTS = 5;

    /** How often this instance deletes limiters that have been idle a while (rows of domains met once). */
    private static final long PURGE_EVERY_NANOS = 600_000_000_000L;

    private final Supplier<DataSource> database;
    /** Null: the database's clock. A test's clock is read at the same point, after the locks. */
    private final Clock clock;
    private final AtomicLong nextPurge = new AtomicLong(System.nanoTime());

    /** @param database asked on every use: the queue's database, which may answer only later */
    public PgLimitState(Supplier<DataSource> database) {
        this(database, null);
    }

    PgLimitState(Supplier<DataSource> database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** The rows as read in one transaction. */
    private static final class Rows implements LimitCheck.Rows {
        final Map<String, Long> tats = new HashMap<>();
        final Map<String, NavigableMap<Long, Long>> buckets = new HashMap<>();
        long now;

        @Override
        public long tat(String row) {
            return tats.getOrDefault(row, 0L);
        }

        @Override
        public NavigableMap<Long, Long> buckets(String row) {
            return buckets.getOrDefault(row, LimitCheck.NO_BUCKETS);
        }
    }

    @Override
    public Refusal reserve(List<Cell> cells) {
        var keys = new TreeSet<String>();
        cells.forEach(cell -> keys.add(cell.row()));
        try (Connection c = database.get().getConnection()) {
            for (int attempt = 1; ; attempt++) {
                c.setAutoCommit(false);
                try {
                    Rows rows = lock(c, keys);
                    if (rows.tats.size() < keys.size()) {
                        c.rollback();
                        if (attempt == ATTEMPTS) {
                            throw new SQLException("the rate limit rows " + keys + " were deleted as fast as they were created");
                        }
                        create(c, keys);
                        continue;
                    }
                    read(c, rows, counted(cells));
                    Refusal refusal = LimitCheck.check(cells, rows.now, rows);
                    if (refusal != null) {
                        c.rollback();
                        return refusal;
                    }
                    write(c, cells, rows.now);
                    c.commit();
                    purgeIdle(c, rows.now);
                    return null;
                } catch (SQLException | RuntimeException e) {
                    if (!c.getAutoCommit()) {
                        c.rollback();
                    }
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the rate limits could not be read from PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static Rows lock(Connection c, Collection<String> keys) throws SQLException {
        var rows = new Rows();
        try (PreparedStatement lock = c.prepareStatement(LOCK)) {
            lock.setArray(1, c.createArrayOf("text", keys.toArray()));
            try (ResultSet rs = lock.executeQuery()) {
                while (rs.next()) {
                    rows.tats.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return rows;
    }

    private static void create(Connection c, Collection<String> keys) throws SQLException {
        c.setAutoCommit(true);
        try (PreparedStatement create = c.prepareStatement(CREATE)) {
            create.setArray(1, c.createArrayOf("text", keys.toArray()));
            create.executeUpdate();
        }
    }

    private static List<String> counted(List<Cell> cells) {
        return cells.stream().filter(cell -> !cell.paced()).map(Cell::row).toList();
    }

    /** The time (the database's, unless a test gave a clock) and the buckets of the counted rows. */
    private void read(Connection c, Rows rows, List<String> countedRows) throws SQLException {
        try (PreparedStatement read = c.prepareStatement(READ)) {
            read.setArray(1, c.createArrayOf("text", countedRows.toArray()));
            try (ResultSet rs = read.executeQuery()) {
                rs.next();
                rows.now = clock == null ? rs.getLong(2) : MemoryLimitState.micros(clock.instant());
                Array keys = rs.getArray(3);
                if (keys == null) {
                    return;
                }
                String[] key = (String[]) keys.getArray();
                Long[] bucket = (Long[]) rs.getArray(4).getArray();
                Long[] count = (Long[]) rs.getArray(5).getArray();
                for (int i = 0; i < key.length; i++) {
                    rows.buckets.computeIfAbsent(key[i], k -> new TreeMap<>()).put(bucket[i], count[i]);
                }
            }
        }
    }

    /**
     * Takes every cell: a pace's new time; a count's recipients in the current bucket, the buckets
     * that left the window deleted, and the row's time set to when this bucket leaves it (so the
     * purge knows the row idle).
     */
    private static void write(Connection c, List<Cell> cells, long now) throws SQLException {
        var tatKeys = new ArrayList<String>();
        var tats = new ArrayList<Long>();
        var bucketKeys = new ArrayList<String>();
        var buckets = new ArrayList<Long>();
        var counts = new ArrayList<Long>();
        var oldest = new ArrayList<Long>();
        for (Cell cell : cells) {
            tatKeys.add(cell.row());
            if (cell.paced()) {
                tats.add(LimitCheck.takenTat(cell, now));
            } else {
                long bucket = SlidingCount.bucket(now, cell.lengthMicros());
                tats.add(SlidingCount.leaves(bucket, cell.lengthMicros()));
                bucketKeys.add(cell.row());
                buckets.add(bucket);
                counts.add(cell.cost());
                oldest.add(SlidingCount.oldest(now, cell.lengthMicros()));
            }
        }
        try (PreparedStatement write = c.prepareStatement(WRITE)) {
            write.setArray(1, c.createArrayOf("text", tatKeys.toArray()));
            write.setArray(2, c.createArrayOf("bigint", tats.toArray()));
            write.setArray(3, c.createArrayOf("text", bucketKeys.toArray()));
            write.setArray(4, c.createArrayOf("bigint", buckets.toArray()));
            write.setArray(5, c.createArrayOf("bigint", counts.toArray()));
            write.setArray(6, c.createArrayOf("text", bucketKeys.toArray()));
            write.setArray(7, c.createArrayOf("bigint", oldest.toArray()));
            write.executeQuery().close();
        }
    }

    /**
     * A row whose time is past is the same as no row (an idle pace starts from now; a count whose
     * last bucket left the window is empty), so rows idle for a minute go with their buckets: the
     * default domain limit would otherwise keep one per domain ever met.
     */
    private void purgeIdle(Connection c, long now) {
        long due = nextPurge.get();
        if (System.nanoTime() - due < 0 || !nextPurge.compareAndSet(due, System.nanoTime() + PURGE_EVERY_NANOS)) {
            return;
        }
        try (PreparedStatement purge = c.prepareStatement(PURGE)) {
            purge.setLong(1, now);
            purge.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            // Only housekeeping: the rows stay until the next try, and the reservation stands.
            LOG.log(Level.DEBUG, "idle rate limits could not be purged: {0}", e.getMessage());
        }
    }

    @Override
    public Map<String, Fill> fill(List<Cell> cells) {
        var result = new LinkedHashMap<String, Fill>();
        if (cells.isEmpty()) {
            return result;
        }
        try (Connection c = database.get().getConnection()) {
            var rows = new Rows();
            try (PreparedStatement select = c.prepareStatement(READ_TATS)) {
                select.setArray(1, c.createArrayOf("text", cells.stream().map(Cell::row).toArray()));
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.tats.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            read(c, rows, counted(cells));
            for (Cell cell : cells) {
                result.put(cell.row(), LimitCheck.fill(cell, rows.now, rows));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the rate limits could not be read from PostgreSQL: " + e.getMessage(), e);
        }
        return result;
    }
}
