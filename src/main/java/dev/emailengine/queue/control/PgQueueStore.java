package dev.emailengine.queue.control;

import dev.emailengine.queue.entity.DeadLetterPage;
import dev.emailengine.queue.entity.EmailDetails;
import dev.emailengine.queue.entity.IdempotencyRecord;
import dev.emailengine.queue.entity.QueueStatus;
import dev.emailengine.queue.entity.QueuedEmail;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * The queue in PostgreSQL, shared by every instance on the database. Each change is one short
 * transaction, committed before it returns (the commit is what a 200 promises); nothing is held
 * open across an SMTP call. A claim marks the best due row with this instance's name and a lease
 * ({@code FOR UPDATE SKIP LOCKED}, so claimers never wait on each other); finishing an email
 * checks the lease is still ours. A lease that runs out (its instance died) makes the email
 * claimable by any instance; an instance that restarts under the same name takes its own claims
 * back at once. Times come from the given clock, as in the file store.
 */
public class PgQueueStore implements QueueStore {

    private static final System.Logger LOG = System.getLogger(PgQueueStore.class.getName());
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    private static final String DATA_SOURCE = "java:comp/env/jdbc/emailengine";

    private final DataSource dataSource;
    private final Clock clock;
    private final String instance;
    private final Duration lease;
    private final Duration idempotencyTtl;
    private final QueueJson json = new QueueJson();
    private final Object wakeUps = new Object();
    private final PgQueueReads reads;

    /** Migrates the schema and takes back what this instance had claimed when it stopped. */
    public PgQueueStore(DataSource dataSource, Clock clock, String instance, Duration lease, Duration idempotencyTtl) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.instance = instance;
        this.lease = lease;
        this.idempotencyTtl = idempotencyTtl;
        this.reads = new PgQueueReads(dataSource, clock, json, idempotencyTtl);
        try {
            PgSchema.migrate(dataSource);
            int released = PgSql.update(dataSource, "UPDATE queued_email SET claimed = false, lease_owner = NULL, lease_until = NULL"
                    + " WHERE claimed AND lease_owner = ?", instance);
            if (released > 0) {
                LOG.log(Level.WARNING, "{0} emails claimed by {1} before it stopped are back in the queue", released,
                        instance);
            }
        } catch (SQLException e) {
            throw new QueueStorageException("cannot open the queue in PostgreSQL: " + e.getMessage(), e);
        }
    }

    @Override
    public void store(List<QueuedEmail> emails, IdempotencyRecord idempotency) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                insertQueued(c, emails);
                if (idempotency != null) {
                    // Only an expired record may be replaced: another instance that just stored the
                    // same key wins, and this request queues nothing (the caller answers 409).
                    try (PreparedStatement record = c.prepareStatement("INSERT INTO idempotency_record"
                            + " (key_hash, request_hash, created_at, ids) VALUES (?, ?, ?, ?)"
                            + " ON CONFLICT (key_hash) DO UPDATE SET request_hash = excluded.request_hash,"
                            + " created_at = excluded.created_at, ids = excluded.ids"
                            + " WHERE idempotency_record.created_at < ?")) {
                        record.setString(1, idempotency.keyHash());
                        record.setString(2, idempotency.requestHash());
                        record.setTimestamp(3, Timestamp.from(idempotency.createdAt()));
                        record.setArray(4, c.createArrayOf("text", idempotency.ids().toArray()));
                        record.setTimestamp(5, Timestamp.from(idempotency.createdAt().minus(idempotencyTtl)));
                        if (record.executeUpdate() == 0) {
                            c.rollback();
                            throw new IdempotencyKeyTakenException(idempotency.keyHash());
                        }
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new QueueStorageException("could not store the email" + (emails.size() == 1 ? "" : "s"), e);
        }
        synchronized (wakeUps) {
            wakeUps.notifyAll();
        }
    }

    @Override
    /**
     * First an email another instance held past its lease (that instance died), then the best
     * due one: per priority, the earliest due, each through its own partial index, so the claim
     * costs the same with 100,000 emails queued as with none. An instance never takes over its
     * own expired claims while it runs: one of its threads still holds them (and it takes them
     * back when it restarts), so a slow send can never be finished twice by two of its threads.
     */
    public Optional<QueuedEmail> claimNext() {
        Timestamp now = Timestamp.from(clock.instant());
        Timestamp until = Timestamp.from(clock.instant().plus(lease));
        try (Connection c = dataSource.getConnection()) {
            Optional<QueuedEmail> taken = claim(c, "SELECT id FROM queued_email WHERE claimed AND lease_until < ?"
                    + " AND lease_owner <> ? ORDER BY lease_until LIMIT 1 FOR UPDATE SKIP LOCKED", until, now, instance);
            return taken.isPresent() ? taken : claim(c, "SELECT q.id FROM unnest('{1,2,3}'::smallint[]) AS p(priority)"
                    + " CROSS JOIN LATERAL (SELECT id FROM queued_email WHERE priority = p.priority AND NOT claimed"
                    + " AND due_at <= ? ORDER BY due_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED) AS q LIMIT 1", until, now);
        } catch (SQLException e) {
            LOG.log(Level.ERROR, "could not claim an email: {0}", e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<QueuedEmail> claim(Connection c, String pick, Timestamp until, Object... pickParameters)
            throws SQLException {
        try (PreparedStatement claim = c.prepareStatement("UPDATE queued_email SET claimed = true, lease_owner = ?,"
                + " lease_until = ? WHERE id = (" + pick + ") RETURNING record")) {
            claim.setString(1, instance);
            claim.setTimestamp(2, until);
            for (int i = 0; i < pickParameters.length; i++) {
                claim.setObject(i + 3, pickParameters[i]);
            }
            try (ResultSet rs = claim.executeQuery()) {
                return rs.next() ? Optional.of(json.read(rs.getBytes(1))) : Optional.empty();
            }
        }
    }

    /** Polls at a short interval (a local store wakes it at once); wake-ups across instances come later. */
    @Override
    public void awaitWork(Duration max) throws InterruptedException {
        synchronized (wakeUps) {
            wakeUps.wait(Math.max(1, Math.min(max.toMillis(), IDLE_POLL.toMillis())));
        }
    }

    @Override
    public void wakeAll() {
        synchronized (wakeUps) {
            wakeUps.notifyAll();
        }
    }

    @Override
    public void delivered(QueuedEmail sent) {
        if (!finish(sent, "sent")) {
            LOG.log(Level.WARNING, "{0} was sent, but another instance had taken it over (lease expired)", sent.id());
        }
    }

    @Override
    public void retryLater(QueuedEmail updated) {
        int changed = PgSql.updateQuietly(dataSource, "UPDATE queued_email SET claimed = false, lease_owner = NULL, lease_until = NULL,"
                + " due_at = ?, retry_count = ?, record = ?, seq = nextval('queued_email_seq_seq')"
                + " WHERE id = ? AND claimed AND lease_owner = ?", Timestamp.from(updated.nextAttemptAt()),
                updated.retryCount(), json.write(updated), updated.id(), instance);
        if (changed == 0) {
            LOG.log(Level.WARNING, "{0} could not be put back for retry: no longer ours", updated.id());
        }
    }

    @Override
    public void defer(QueuedEmail email) {
        PgSql.updateQuietly(dataSource, "UPDATE queued_email SET claimed = false, lease_owner = NULL, lease_until = NULL"
                + " WHERE id = ? AND claimed AND lease_owner = ?", email.id(), instance);
    }

    @Override
    public boolean deadLetter(QueuedEmail dead) {
        return finish(dead, "dead");
    }

    /** Moves a claimed email of ours to the finished table, in one transaction. */
    private boolean finish(QueuedEmail email, String state) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int removed;
                try (PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM queued_email WHERE id = ? AND claimed AND lease_owner = ?")) {
                    delete.setString(1, email.id());
                    delete.setString(2, instance);
                    removed = delete.executeUpdate();
                }
                if (removed == 0) {
                    c.rollback();
                    return false;
                }
                insertFinished(c, email.id(), state, json.write(email));
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            // The row stays claimed; its lease runs out and the email is tried again.
            LOG.log(Level.ERROR, "{0} could not be recorded as {1}: {2}", email.id(), state, e.getMessage());
            return false;
        }
    }

    private void insertQueued(Connection c, List<QueuedEmail> emails) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO queued_email"
                + " (id, priority, due_at, retry_count, record) VALUES (?, ?, ?, ?, ?)")) {
            for (QueuedEmail email : emails) {
                insert.setString(1, email.id());
                insert.setInt(2, email.priority());
                insert.setTimestamp(3, Timestamp.from(email.nextAttemptAt()));
                insert.setInt(4, email.retryCount());
                insert.setBytes(5, json.write(email));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private void insertFinished(Connection c, String id, String state, byte[] record) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO finished_email (id, state, finished_at, record)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state,"
                + " finished_at = excluded.finished_at, record = excluded.record")) {
            insert.setString(1, id);
            insert.setString(2, state);
            insert.setTimestamp(3, Timestamp.from(clock.instant()));
            insert.setBytes(4, record);
            insert.executeUpdate();
        }
    }

    @Override
    public Cancellation cancel(String id) {
        if (!EmailIds.isWellFormed(id)) {
            return Cancellation.NOT_FOUND;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                byte[] record = null;
                try (PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM queued_email WHERE id = ? AND NOT claimed RETURNING record")) {
                    delete.setString(1, id);
                    try (ResultSet rs = delete.executeQuery()) {
                        if (rs.next()) {
                            record = rs.getBytes(1);
                        }
                    }
                }
                if (record == null) {
                    c.rollback();
                    return cancelOutcomeOf(c, id);
                }
                insertFinished(c, id, "cancelled", record);
                c.commit();
                LOG.log(Level.INFO, "{0} cancelled", id);
                return Cancellation.CANCELLED;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new QueueStorageException("could not cancel " + id, e);
        }
    }

    /** On the caller's connection: a pool of N must not deadlock under N concurrent cancels. */
    private Cancellation cancelOutcomeOf(Connection c, String id) throws SQLException {
        if (PgSql.single(c, "SELECT 1 FROM queued_email WHERE id = ?", id).isPresent()) {
            return Cancellation.TOO_LATE;
        }
        Optional<String> finished = PgSql.single(c, "SELECT state FROM finished_email WHERE id = ?", id);
        if (finished.isEmpty()) {
            return Cancellation.NOT_FOUND;
        }
        return finished.get().equals("cancelled") ? Cancellation.ALREADY_CANCELLED : Cancellation.TOO_LATE;
    }

    /** The DELETE takes the row: of concurrent requeues of one dead letter, one finds it. */
    @Override
    public Optional<QueuedEmail> requeueDeadLetter(String id) {
        if (!EmailIds.isWellFormed(id)) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                QueuedEmail requeued = null;
                try (PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM finished_email WHERE id = ? AND state = 'dead' RETURNING record")) {
                    delete.setString(1, id);
                    try (ResultSet rs = delete.executeQuery()) {
                        if (rs.next()) {
                            requeued = json.read(rs.getBytes(1)).requeued(clock.instant());
                        }
                    }
                }
                if (requeued == null) {
                    c.rollback();
                    return Optional.empty();
                }
                insertQueued(c, List.of(requeued));
                c.commit();
                wakeAll();
                return Optional.of(requeued);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new QueueStorageException("could not requeue " + id, e);
        }
    }

    @Override
    public List<String> deadLetterIds() {
        return reads.deadLetterIds();
    }

    @Override
    public QueueStatus status(int offset, int limit) {
        return reads.status(offset, limit);
    }

    @Override
    public Optional<EmailDetails> find(String id) {
        return reads.find(id);
    }

    @Override
    public DeadLetterPage deadLetters(int offset, int limit) {
        return reads.deadLetters(offset, limit);
    }

    @Override
    public Optional<IdempotencyRecord> idempotencyRecord(String keyHash, String requestHash) {
        return reads.idempotencyRecord(keyHash, requestHash);
    }

    @Override
    public int purgeFinished(Duration retention) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement purge = c.prepareStatement("WITH gone AS (DELETE FROM finished_email"
                        + " WHERE state <> 'dead' AND finished_at < ? RETURNING state)"
                        + " SELECT count(*) FILTER (WHERE state = 'sent') FROM gone")) {
            purge.setTimestamp(1, Timestamp.from(clock.instant().minus(retention)));
            try (ResultSet rs = purge.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new QueueStorageException("could not purge finished emails", e);
        }
    }

    @Override
    public int purgeIdempotencyRecords() {
        return PgSql.updateQuietly(dataSource, "DELETE FROM idempotency_record WHERE created_at < ?",
                Timestamp.from(clock.instant().minus(idempotencyTtl)));
    }

    @Override
    public Duration idempotencyTtl() {
        return idempotencyTtl;
    }

    /** The container's DataSource for the queue, by its logical name (web.xml, bound per server). */
    static DataSource lookUpDataSource() {
        try {
            return InitialContext.doLookup(DATA_SOURCE);
        } catch (NamingException e) {
            throw new IllegalStateException("QUEUE_STORE=postgresql needs the server to bind the DataSource "
                    + DATA_SOURCE + " (server-config/ does so on every supported server; see docs/deploy.md): "
                    + e.getMessage(), e);
        }
    }

    /**
     * INSTANCE_NAME, else this host and HTTP port (unique per running instance, and the same when
     * an instance restarts, so it takes its own claims back at once), else host and process id.
     */
    static String instanceName(Optional<String> configured) {
        String name = configured.map(String::strip).filter(n -> !n.isEmpty()).orElse(null);
        if (name != null) {
            return name;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        String port = System.getenv("HTTP_PORT");
        return host + ":" + (port == null || port.isBlank() ? "pid" + ProcessHandle.current().pid() : port.strip());
    }

    @Override
    public String description() {
        return "PostgreSQL (" + DATA_SOURCE + ") as instance " + instance + ", leases of " + lease;
    }

    @Override
    public Optional<String> problem() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(5) ? Optional.empty() : Optional.of("the PostgreSQL connection is not valid");
        } catch (SQLException e) {
            return Optional.of("PostgreSQL unreachable: " + e.getMessage());
        }
    }
}
