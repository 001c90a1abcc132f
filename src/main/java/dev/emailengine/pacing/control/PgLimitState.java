package dev.emailengine.pacing.control;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The limiters every instance shares, in PostgreSQL's {@code rate_limit} table, so a limit holds
 * for the cluster as a whole. Each window is taken by one statement, an upsert whose condition is
 * the GCRA's; a request's windows are taken in one transaction, in key order (so two instances
 * never wait on each other's locks in a cycle), and a refusal rolls back what was taken. Times
 * are the database's clock only: instances whose clocks disagree still share one schedule; a
 * refusal's wait is a duration, which the caller adds to its own clock. The commit does not wait
 * for the disk: a crash of the database server can forget the last few milliseconds of sending,
 * which the limit then allows again.
 */
public class PgLimitState implements LimitState {

    private static final System.Logger LOG = System.getLogger(PgLimitState.class.getName());
    private static final String TAKE = "WITH async AS (SELECT set_config('synchronous_commit', 'off', true)),"
            + " now AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS us FROM async),"
            + " up AS (INSERT INTO rate_limit AS l (key, tat) SELECT ?, us + ? FROM now"
            + " ON CONFLICT (key) DO UPDATE SET tat = greatest(l.tat, (SELECT us FROM now)) + ?"
            + " WHERE greatest(l.tat, (SELECT us FROM now)) + ? - (SELECT us FROM now) <= ? RETURNING tat)"
            + " SELECT (SELECT count(*) FROM up), (SELECT us FROM now)";

    /** How often this instance deletes limiters that have been idle a while (rows of domains met once). */
    private static final long PURGE_EVERY_NANOS = 600_000_000_000L;

    private final Supplier<DataSource> database;
    private final AtomicLong nextPurge = new AtomicLong(System.nanoTime());

    /** @param database asked on every use: the queue's database, which may answer only later */
    public PgLimitState(Supplier<DataSource> database) {
        this.database = database;
    }

    @Override
    public Refusal reserve(List<Cell> cells) {
        var order = new ArrayList<Integer>();
        for (int i = 0; i < cells.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(i -> cells.get(i).row()));
        try (Connection c = database.get().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement take = c.prepareStatement(TAKE)) {
                for (int i : order) {
                    Cell cell = cells.get(i);
                    long step = cell.cost() * cell.intervalMicros();
                    take.setString(1, cell.row());
                    take.setLong(2, step);
                    take.setLong(3, step);
                    take.setLong(4, step);
                    take.setLong(5, Gcra.span(cell.intervalMicros(), cell.burst(), cell.cost()));
                    long taken;
                    long now;
                    try (ResultSet rs = take.executeQuery()) {
                        rs.next();
                        taken = rs.getLong(1);
                        now = rs.getLong(2);
                    }
                    if (taken == 0) {
                        long tat = tat(c, cell.row(), now);
                        c.rollback();
                        return new Refusal(i, Math.max(1,
                                Gcra.waitFor(tat, now, cell.cost(), cell.intervalMicros(), cell.burst())));
                    }
                }
                c.commit();
                purgeIdle(c);
                return null;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the rate limits could not be read from PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * A row whose time is past is the same as no row (an idle limiter starts from now), so rows
     * idle for a minute go: the default domain limit would otherwise keep one per domain ever met.
     */
    private void purgeIdle(Connection c) {
        long due = nextPurge.get();
        if (System.nanoTime() - due < 0 || !nextPurge.compareAndSet(due, System.nanoTime() + PURGE_EVERY_NANOS)) {
            return;
        }
        try (PreparedStatement purge = c.prepareStatement("DELETE FROM rate_limit"
                + " WHERE tat < (extract(epoch FROM clock_timestamp()) * 1000000)::bigint - 60000000")) {
            purge.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            // Only housekeeping: the rows stay until the next try, and the reservation stands.
            LOG.log(Level.DEBUG, "idle rate limits could not be purged: {0}", e.getMessage());
        }
    }

    /** The row is locked by the upsert that refused, so this is its current value. */
    private static long tat(Connection c, String row, long now) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT tat FROM rate_limit WHERE key = ?")) {
            select.setString(1, row);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getLong(1) : now;
            }
        }
    }

    @Override
    public Map<String, Long> backlog(Collection<String> rows) {
        var result = new LinkedHashMap<String, Long>();
        rows.forEach(row -> result.put(row, 0L));
        if (rows.isEmpty()) {
            return result;
        }
        try (Connection c = database.get().getConnection(); PreparedStatement select = c.prepareStatement(
                "SELECT key, greatest(0, tat - (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)"
                        + " FROM rate_limit WHERE key = ANY(?)")) {
            select.setArray(1, c.createArrayOf("text", rows.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    result.put(rs.getString(1), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the rate limits could not be read from PostgreSQL: " + e.getMessage(), e);
        }
        return result;
    }
}
