package dev.emailengine.queue.control;

import dev.emailengine.queue.entity.QueuedEmail;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.sql.DataSource;

/**
 * The PostgreSQL store's claims and their outcomes. A claim marks the best due row with this
 * instance's name and a lease ({@code FOR UPDATE SKIP LOCKED}, so claimers never wait on each
 * other); an outcome is written only while the row is still ours. The instance renews the leases
 * of everything it holds (a slow send, or an outcome kept through a database outage) every third
 * of {@code LEASE_TIMEOUT}, so only a dead instance's leases run out; then any other instance
 * takes the email over. After an outage every lease looks run out: no instance takes one over
 * until it has been back for {@link #TAKEOVER_GRACE}, time enough for the live ones to renew.
 */
final class PgClaims {

    private static final System.Logger LOG = System.getLogger(PgClaims.class.getName());
    private static final int MAX_CORRUPT_PER_CLAIM = 10;
    /** How long after an outage this instance leaves others' run-out leases alone (they renew meanwhile). */
    static final Duration TAKEOVER_GRACE = Duration.ofSeconds(15);
    /**
     * Claims and sends are committed without waiting for the disk, as the file store renames and
     * moves to the trash without an fsync: only a crash of the database server itself can lose
     * the last of them (PostgreSQL writes them within {@code 3 × wal_writer_delay}), and then the
     * email is sent again, which at-least-once allows. Accepting, retries, dead letters, cancels
     * and requeues wait for the disk. The setting is the transaction's own ({@code is_local}), so
     * it never outlives the statement on a pooled connection; the statement must name {@code async}
     * (PostgreSQL skips a WITH query nothing reads).
     */
    static final String ASYNC_COMMIT = "WITH async AS (SELECT set_config('synchronous_commit', 'off', true))";

    private final DataSource dataSource;
    private final Clock clock;
    private final String instance;
    private final Duration lease;
    private final QueueJson json;
    private final PgOutage outage;
    /** Outcomes of sends made while the database was away, recorded when it is back. */
    private final Queue<Pending> unrecorded = new ConcurrentLinkedQueue<>();
    /**
     * The emails this instance holds: handed to a worker, or sent with the outcome kept through
     * an outage. Only these are renewed. A row claimed under this instance's name but not here
     * (the claim committed, then its answer was lost with the connection) is an orphan: its
     * lease runs out, and this or any instance claims it again; nobody had sent it.
     */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private volatile Instant nextRenewal = Instant.MIN;
    /** Run-out leases are looked for at most once a second while there are none (a query per claim otherwise). */
    private volatile Instant nextTakeoverLook = Instant.MIN;

    /** A claimed email's outcome, written in one statement; false when the email is no longer ours. */
    @FunctionalInterface
    interface Outcome {
        boolean record() throws SQLException;
    }

    private record Pending(String id, String what, Outcome outcome) {
    }

    private record Claimed(String id, byte[] record) {
    }

    PgClaims(DataSource dataSource, Clock clock, String instance, Duration lease, QueueJson json, PgOutage outage) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.instance = instance;
        this.lease = lease;
        this.json = json;
        this.outage = outage;
    }

    /**
     * First an email another instance held past its lease (that instance died), then the best
     * due one: per priority, the earliest due, each through its own partial index, so the claim
     * costs the same with 100,000 emails queued as with none. An instance never takes over an
     * email one of its own workers still holds (it renews those), so a slow send can never be
     * finished twice by two of its threads; an orphan of its own it does (see {@link #held}).
     */
    Optional<QueuedEmail> next() {
        Instant now = clock.instant();
        Timestamp until = Timestamp.from(now.plus(lease));
        try (Connection c = dataSource.getConnection()) {
            for (int unreadable = 0; unreadable < MAX_CORRUPT_PER_CLAIM; unreadable++) {
                Optional<Claimed> claimed = Optional.empty();
                if (!now.isBefore(nextTakeoverLook) && outage.upFor(TAKEOVER_GRACE)) {
                    claimed = claim(c, "SELECT id FROM queued_email WHERE claimed AND lease_until < ?"
                            + " AND (lease_owner <> ? OR NOT id = ANY(?)) ORDER BY lease_until LIMIT 1"
                            + " FOR UPDATE SKIP LOCKED", until, Timestamp.from(now), instance, c.createArrayOf("text",
                                    held.toArray()));
                    nextTakeoverLook = claimed.isEmpty() ? now.plusSeconds(1) : Instant.MIN;
                }
                if (claimed.isEmpty()) {
                    claimed = claim(c, "SELECT q.id FROM unnest('{1,2,3}'::smallint[]) AS p(priority)"
                            + " CROSS JOIN LATERAL (SELECT id FROM queued_email WHERE priority = p.priority AND NOT claimed"
                            + " AND due_at <= ? ORDER BY due_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED) AS q LIMIT 1", until,
                            Timestamp.from(now));
                }
                outage.succeeded();
                if (claimed.isEmpty()) {
                    return Optional.empty();
                }
                try {
                    QueuedEmail email = json.read(claimed.get().record());
                    held.add(email.id());
                    return Optional.of(email);
                } catch (CorruptQueueFileException e) {
                    setAside(c, claimed.get().id(), e);
                }
            }
            return Optional.empty();
        } catch (SQLException e) {
            outage.failed(e);
            return Optional.empty();
        }
    }

    private Optional<Claimed> claim(Connection c, String pick, Timestamp until, Object... pickParameters)
            throws SQLException {
        try (PreparedStatement claim = c.prepareStatement(ASYNC_COMMIT + " UPDATE queued_email SET claimed = true,"
                + " lease_owner = ?, lease_until = ? FROM async WHERE id = (" + pick + ") RETURNING id, record")) {
            claim.setString(1, instance);
            claim.setTimestamp(2, until);
            for (int i = 0; i < pickParameters.length; i++) {
                claim.setObject(i + 3, pickParameters[i]);
            }
            try (ResultSet rs = claim.executeQuery()) {
                return rs.next() ? Optional.of(new Claimed(rs.getString(1), rs.getBytes(2))) : Optional.empty();
            }
        }
    }

    /**
     * A row written by a newer release (a rolling upgrade under way) goes back for an instance
     * that can read it; any other unreadable row leaves the queue for {@code corrupt_email}, with
     * the reason, where an operator finds it. Neither blocks the emails queued behind it.
     */
    private void setAside(Connection c, String id, CorruptQueueFileException e) throws SQLException {
        if (e.newerFormat()) {
            PgSql.update(c, "UPDATE queued_email SET claimed = false, lease_owner = NULL, lease_until = NULL,"
                    + " due_at = ? WHERE id = ?", Timestamp.from(clock.instant().plus(Duration.ofMinutes(1))), id);
            LOG.log(Level.WARNING, "{0} was queued by a newer release ({1}); left for an instance of that release",
                    id, e.getMessage());
            return;
        }
        PgSql.update(c, "WITH gone AS (DELETE FROM queued_email WHERE id = ? RETURNING id, record)"
                + " INSERT INTO corrupt_email (id, found_at, reason, record) SELECT id, ?, ?, record FROM gone"
                + " ON CONFLICT (id) DO NOTHING", id, Timestamp.from(clock.instant()), e.getMessage());
        LOG.log(Level.ERROR, "{0} is unreadable and was moved to the table corrupt_email: {1}", id, e.getMessage());
    }

    void delivered(QueuedEmail sent) {
        record(sent.id(), "sent", () -> finish(sent, "sent"));
    }

    void retryLater(QueuedEmail updated) {
        record(updated.id(), "put back for a retry", () -> PgSql.update(dataSource, "UPDATE queued_email"
                + " SET claimed = false, lease_owner = NULL, lease_until = NULL, due_at = ?, retry_count = ?,"
                + " record = ?, seq = nextval('queued_email_seq_seq') WHERE id = ? AND claimed AND lease_owner = ?",
                Timestamp.from(updated.nextAttemptAt()), updated.retryCount(), json.write(updated), updated.id(),
                instance) > 0);
    }

    void defer(QueuedEmail email) {
        record(email.id(), "put back", () -> release(email.id()));
    }

    /** Back unclaimed, due at {@code until}, in its place within its priority; committed without waiting for the disk. */
    void postpone(QueuedEmail email, Instant until) {
        record(email.id(), "postponed", () -> PgSql.update(dataSource, ASYNC_COMMIT + " UPDATE queued_email"
                + " SET claimed = false, lease_owner = NULL, lease_until = NULL, due_at = ? FROM async"
                + " WHERE id = ? AND claimed AND lease_owner = ?", Timestamp.from(until), email.id(), instance) > 0);
    }

    /** True when dead-lettered now or, the database being away, once it is back. */
    boolean deadLetter(QueuedEmail dead) {
        return record(dead.id(), "dead-lettered", () -> finish(dead, "dead"));
    }

    private boolean release(String id) throws SQLException {
        return PgSql.update(dataSource, "UPDATE queued_email SET claimed = false, lease_owner = NULL, lease_until = NULL"
                + " WHERE id = ? AND claimed AND lease_owner = ?", id, instance) > 0;
    }

    /**
     * Writes a claimed email's outcome. While the database is away the outcome is kept and written
     * when it is back (the email stays claimed by this instance, its lease renewed, so no one sends
     * it again). False when the email had been taken over: its lease ran out, and another instance
     * sends it too. A failure that is no outage (a bug, a constraint) puts the email back as it was.
     */
    private boolean record(String id, String what, Outcome outcome) {
        try {
            boolean ours = outcome.record();
            held.remove(id);
            outage.succeeded();
            if (!ours) {
                LOG.log(Level.WARNING, "{0} could not be recorded as {1}: another instance took it over when its"
                        + " lease (LEASE_TIMEOUT) ran out", id, what);
            }
            return ours;
        } catch (SQLException e) {
            if (PgOutage.isOutage(e)) {
                outage.failed(e);
                unrecorded.add(new Pending(id, what, outcome));
                LOG.log(Level.WARNING, "{0} {1}, recorded once PostgreSQL answers again", id, what);
                return true;
            }
            held.remove(id);
            giveBack(id, what, e);
            return false;
        }
    }

    private void giveBack(String id, String what, SQLException e) {
        LOG.log(Level.ERROR, "{0} could not be recorded as {1} ({2}); it goes back to the queue", id, what,
                PgOutage.describe(e));
        try {
            release(id);
        } catch (SQLException again) {
            LOG.log(Level.ERROR, "{0} could not be put back either ({1}); it is tried again when its lease runs out"
                    + " after this instance stops", id, PgOutage.describe(again));
        }
    }

    /**
     * Moves a claimed email of ours to the finished table, in one statement. A sent email's commit
     * does not wait for the disk, as a claim's does not; a dead letter's does.
     */
    private boolean finish(QueuedEmail email, String state) throws SQLException {
        return PgSql.update(dataSource, (state.equals("sent")
                ? ASYNC_COMMIT + ", gone AS (DELETE FROM queued_email USING async"
                : "WITH gone AS (DELETE FROM queued_email")
                + " WHERE id = ? AND claimed AND lease_owner = ? RETURNING id)"
                + " INSERT INTO finished_email (id, state, finished_at, record) SELECT id, ?, ?, ? FROM gone"
                + " ON CONFLICT (id) DO UPDATE SET state = excluded.state, finished_at = excluded.finished_at,"
                + " record = excluded.record", email.id(), instance, state, Timestamp.from(clock.instant()),
                json.write(email)) > 0;
    }

    /**
     * Upkeep, every few seconds: writes the outcomes kept through an outage, then renews this
     * instance's leases when a third of {@code LEASE_TIMEOUT} has passed since the last renewal (at
     * once after an outage). False while the database is still away.
     */
    boolean keepUp() {
        if (!recordUnrecorded()) {
            return false;
        }
        Instant now = clock.instant();
        if (now.isBefore(nextRenewal)) {
            return true;
        }
        try (Connection c = dataSource.getConnection()) {
            PgSql.update(c, "UPDATE queued_email SET lease_until = ? WHERE claimed AND lease_owner = ? AND id = ANY(?)",
                    Timestamp.from(now.plus(lease)), instance, c.createArrayOf("text", held.toArray()));
            nextRenewal = now.plus(lease.dividedBy(3));
            return true;
        } catch (SQLException e) {
            if (PgOutage.isOutage(e)) {
                outage.failed(e);
            }
            LOG.log(Level.WARNING, "could not renew this instance''s leases: {0}", PgOutage.describe(e));
            return false;
        }
    }

    /** Renews at the next upkeep, whenever the last one was (the database is back after an outage). */
    void renewSoon() {
        nextRenewal = Instant.MIN;
    }

    /** Records what was sent while the database was away; false while it still is. */
    boolean recordUnrecorded() {
        Pending next;
        while ((next = unrecorded.poll()) != null) {
            try {
                boolean ours = next.outcome().record();
                held.remove(next.id());
                if (!ours) {
                    LOG.log(Level.WARNING, "{0} could not be recorded as {1} after the outage: another instance had"
                            + " taken it over", next.id(), next.what());
                }
            } catch (SQLException e) {
                if (PgOutage.isOutage(e)) {
                    unrecorded.add(next);
                    outage.failed(e);
                    return false;
                }
                held.remove(next.id());
                giveBack(next.id(), next.what(), e);
            }
        }
        return true;
    }

    /** Called when the application stops: what is still kept is logged (sent again after the restart). */
    void close() {
        for (Pending pending : unrecorded) {
            LOG.log(Level.WARNING, "{0} {1}, but the database was away until the application stopped: it is sent"
                    + " again after the restart", pending.id(), pending.what());
        }
    }
}
