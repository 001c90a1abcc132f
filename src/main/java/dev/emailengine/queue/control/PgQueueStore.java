package dev.emailengine.queue.control;

import dev.emailengine.queue.entity.ClusterActivity;
import dev.emailengine.queue.entity.DeadLetterPage;
import dev.emailengine.queue.entity.EmailDetails;
import dev.emailengine.queue.entity.IdempotencyRecord;
import dev.emailengine.queue.entity.QueueDepth;
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
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
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
    /** How often idle workers look for due mail when no notification can wake them. */
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    /** ... and when notifications do (emails due later, a retry or a send_at, are found by polling). */
    private static final Duration LISTENING_POLL = Duration.ofSeconds(1);
    /** How often an unreachable database is tried again (by idle workers and at start-up). */
    private static final Duration OUTAGE_POLL = Duration.ofSeconds(1);
    private static final int PURGE_BATCH = 5_000;
    private static final int MAX_POSTPONED_TRACKED = 100_000;
    private static final long SCHEMA_RETRY_NANOS = Duration.ofSeconds(2).toNanos();
    /** A clock further off the database's than this is reported: leases and send times assume they agree. */
    private static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(2);
    private static final String DATA_SOURCE = "java:comp/env/jdbc/emailengine";

    private final DataSource dataSource;
    private final Clock clock;
    private final String instance;
    private final Duration lease;
    private final Duration idempotencyTtl;
    private final QueueJson json = new QueueJson();
    private final PgQueueReads reads;
    private final PgQueueFigures figures;
    private final PgOutage outage;
    private final PgWakeUps wakeUps;
    private final PgClaims claims;
    private final ReentrantLock schema = new ReentrantLock();
    /** When the emails this instance postponed come due, so an idle worker wakes for them. */
    private final java.util.concurrent.PriorityBlockingQueue<Instant> postponedDue =
            new java.util.concurrent.PriorityBlockingQueue<>();
    private volatile boolean ready;
    private volatile long nextSchemaAttempt = System.nanoTime();
    private volatile String schemaProblem;
    private Instant renewedAfter; // used by maintain() only, one caller at a time

    /**
     * Migrates the schema and takes back what this instance had claimed when it stopped. A
     * database that does not answer yet is no reason to fail the start: the store says so, refuses
     * mail (503) and keeps trying; the schema is applied once it answers.
     */
    public PgQueueStore(DataSource dataSource, Clock clock, String instance, Duration lease, Duration idempotencyTtl) {
        this.dataSource = PgDataSource.of(dataSource);
        this.clock = clock;
        this.instance = instance;
        this.lease = lease;
        this.idempotencyTtl = idempotencyTtl;
        this.reads = new PgQueueReads(this.dataSource, clock, json, idempotencyTtl);
        this.figures = new PgQueueFigures(this.dataSource, clock, instance);
        this.outage = new PgOutage(clock);
        this.wakeUps = new PgWakeUps(this.dataSource);
        this.claims = new PgClaims(this.dataSource, clock, instance, lease, json, outage);
        try {
            ready();
        } catch (QueueStorageException e) {
            LOG.log(Level.ERROR, "the queue''s database does not answer at start-up ({0}); Email Engine starts"
                    + " anyway, answers 503 to new emails and reports it in GET /health until the database"
                    + " answers, then applies its schema and sends", e.getMessage());
        }
    }

    /**
     * Applies the schema once the database answers and takes this instance's earlier claims back;
     * until then every call finds out here, at most every two seconds, and cheaply in between.
     *
     * @throws QueueStorageException while the database does not answer
     */
    private void ready() {
        if (ready) {
            return;
        }
        if (System.nanoTime() - nextSchemaAttempt < 0 || !schema.tryLock()) {
            // Tried a moment ago, or another thread is trying now (a database that drops packets
            // takes the connect timeout to fail): answer at once rather than queue up behind it.
            throw new QueueStorageException(problemOr("PostgreSQL does not answer yet"));
        }
        try {
            if (ready) {
                return;
            }
            PgSchema.migrate(dataSource);
            int released = PgSql.update(dataSource, "UPDATE queued_email SET claimed = false, lease_owner = NULL,"
                    + " lease_until = NULL WHERE claimed AND lease_owner = ?", instance);
            if (released > 0) {
                LOG.log(Level.WARNING, "{0} emails claimed by {1} before it stopped are back in the queue",
                        released, instance);
            }
            compareClocks();
            ready = true;
            schemaProblem = null;
            outage.succeeded();
        } catch (SQLException e) {
            nextSchemaAttempt = System.nanoTime() + SCHEMA_RETRY_NANOS;
            if (PgOutage.isOutage(e)) {
                outage.failed(e);
                throw new QueueStorageException("PostgreSQL does not answer: " + PgOutage.describe(e), e);
            }
            // Reachable but refusing (no privilege to create the tables, say): waiting alone will not help.
            String problem = "the queue's schema cannot be applied: " + PgOutage.describe(e);
            if (!problem.equals(schemaProblem)) {
                LOG.log(Level.ERROR, "{0}; retrying every 2 s", problem);
            }
            schemaProblem = problem;
            throw new QueueStorageException(problem, e);
        } finally {
            schema.unlock();
        }
        try {
            wakeUps.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String problemOr(String otherwise) {
        return outage.problem().orElse(schemaProblem == null ? otherwise : schemaProblem);
    }

    private void compareClocks() throws SQLException {
        Instant before = clock.instant();
        Instant database = Instant.ofEpochMilli(Long.parseLong(PgSql.single(dataSource,
                "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint::text").orElseThrow()));
        Duration skew = Duration.between(database, before.plus(Duration.between(before, clock.instant()).dividedBy(2)));
        if (skew.abs().compareTo(CLOCK_TOLERANCE) > 0) {
            LOG.log(Level.WARNING, "this instance''s clock is {0} ms {1} the database''s: leases (LEASE_TIMEOUT) and"
                    + " send times assume every instance''s clock agrees (keep them in sync with NTP)",
                    skew.abs().toMillis(), skew.isNegative() ? "behind" : "ahead of");
        }
    }

    @Override
    public void store(List<QueuedEmail> emails, IdempotencyRecord idempotency) {
        ready();
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
            throw unavailable("could not store the email" + (emails.size() == 1 ? "" : "s"), e);
        }
        outage.succeeded();
        wakeUps.wakeAll();
        wakeUps.announce();
    }

    /** A failed statement: an outage is noted (and logged once); either way the caller answers 503. */
    private QueueStorageException unavailable(String what, SQLException e) {
        if (PgOutage.isOutage(e)) {
            outage.failed(e);
        }
        return new QueueStorageException(what + ": " + PgOutage.describe(e), e);
    }

    /** Outcomes kept while the database was away are written first; see {@link PgClaims#next}. */
    @Override
    public Optional<QueuedEmail> claimNext() {
        if (!readyQuietly() || !claims.recordUnrecorded()) {
            return Optional.empty();
        }
        wakeUps.settle();
        return claims.next();
    }

    /** For the workers: false (logged once by the outage) while the database does not answer. */
    private boolean readyQuietly() {
        try {
            ready();
            return true;
        } catch (QueueStorageException e) {
            return false;
        }
    }

    /**
     * Woken by a notification from any instance's insert; polls every second for emails that
     * become due later (and every 200 ms when notifications cannot reach this instance). While the
     * database does not answer, waits a second between tries.
     */
    @Override
    public void awaitWork(Duration max) throws InterruptedException {
        if (!ready || outage.down()) {
            wakeUps.pause(max.compareTo(OUTAGE_POLL) < 0 ? max : OUTAGE_POLL);
        } else {
            wakeUps.await(untilPostponedDue(max), wakeUps.listening() ? LISTENING_POLL : IDLE_POLL);
        }
    }

    /**
     * No notification announces that an email this instance postponed came due: the wait ends
     * then (a postponement of another instance's is found by that instance, or by polling).
     */
    private Duration untilPostponedDue(Duration max) {
        Instant now = clock.instant();
        boolean cameDue = false;
        for (Instant next = postponedDue.peek(); next != null && !next.isAfter(now); next = postponedDue.peek()) {
            postponedDue.poll();
            cameDue = true;
        }
        if (cameDue) {
            return Duration.ofMillis(1);
        }
        Instant next = postponedDue.peek();
        if (next == null) {
            return max;
        }
        Duration left = Duration.between(now, next);
        return left.compareTo(max) < 0 ? left : max;
    }

    @Override
    public void wakeAll() {
        wakeUps.wakeAll();
    }

    @Override
    public void delivered(QueuedEmail sent) {
        claims.delivered(sent);
    }

    @Override
    public void retryLater(QueuedEmail updated) {
        claims.retryLater(updated);
    }

    @Override
    public void defer(QueuedEmail email) {
        claims.defer(email);
    }

    @Override
    public void postpone(QueuedEmail email, Instant until) {
        claims.postpone(email, until);
        if (postponedDue.size() < MAX_POSTPONED_TRACKED) {
            postponedDue.add(until);
        }
    }

    /** True when dead-lettered now or, the database being away, once it is back. */
    @Override
    public boolean deadLetter(QueuedEmail dead) {
        return claims.deadLetter(dead);
    }

    /** Writes outcomes kept through an outage and renews this instance's leases (see {@link PgClaims}). */
    @Override
    public void maintain() {
        if (readyQuietly()) {
            Instant recovered = outage.recoveredAt();
            if (recovered != null && !recovered.equals(renewedAfter)) {
                renewedAfter = recovered;
                claims.renewSoon();
            }
            claims.keepUp();
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
        ready();
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
            throw unavailable("could not cancel " + id, e);
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
        ready();
        QueuedEmail requeuedNow;
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
                requeuedNow = requeued;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable("could not requeue " + id, e);
        }
        // After the connection is back in the pool: a pool of N must not deadlock under N requeues.
        wakeAll();
        wakeUps.announce();
        return Optional.of(requeuedNow);
    }

    @Override
    public List<String> deadLetterIds() {
        return read(reads::deadLetterIds);
    }

    @Override
    public QueueStatus status(int offset, int limit) {
        return read(() -> reads.status(offset, limit));
    }

    @Override
    public QueueDepth depth() {
        return read(figures::depth);
    }

    @Override
    public Optional<ClusterActivity> activity(Instant since) {
        return Optional.of(read(() -> figures.activity(since)));
    }

    @Override
    public Optional<EmailDetails> find(String id) {
        return read(() -> reads.find(id));
    }

    @Override
    public DeadLetterPage deadLetters(int offset, int limit) {
        return read(() -> reads.deadLetters(offset, limit));
    }

    @Override
    public Optional<IdempotencyRecord> idempotencyRecord(String keyHash, String requestHash) {
        return read(() -> reads.idempotencyRecord(keyHash, requestHash));
    }

    @Override
    public int purgeFinished(Duration retention) {
        ready();
        Timestamp before = Timestamp.from(clock.instant().minus(retention));
        int sent = 0;
        try (Connection c = dataSource.getConnection();
                PreparedStatement purge = c.prepareStatement("WITH gone AS (DELETE FROM finished_email WHERE id IN"
                        + " (SELECT id FROM finished_email WHERE state <> 'dead' AND finished_at < ? LIMIT "
                        + PURGE_BATCH + ") RETURNING state) SELECT count(*), count(*) FILTER (WHERE state = 'sent')"
                        + " FROM gone")) {
            // In batches, each its own short transaction: a long one would hold back vacuum on every table.
            purge.setTimestamp(1, before);
            int deleted;
            do {
                try (ResultSet rs = purge.executeQuery()) {
                    rs.next();
                    deleted = rs.getInt(1);
                    sent += rs.getInt(2);
                }
            } while (deleted == PURGE_BATCH);
            return sent;
        } catch (SQLException e) {
            throw unavailable("could not purge finished emails", e);
        }
    }

    /** A read, once the schema is there; a failure is noted as an outage and answered with 503. */
    private <T> T read(Supplier<T> query) {
        ready();
        try {
            T result = query.get();
            outage.succeeded();
            return result;
        } catch (QueueStorageException e) {
            if (e.getCause() instanceof SQLException sql) {
                outage.failed(sql);
            }
            throw e;
        }
    }

    @Override
    public int purgeIdempotencyRecords() {
        if (!readyQuietly()) {
            return 0;
        }
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
    public void close() {
        wakeUps.close();
        claims.close();
    }

    @Override
    public Optional<DataSource> database() {
        ready();
        return Optional.of(dataSource);
    }

    @Override
    public String description() {
        return "PostgreSQL (" + DATA_SOURCE + ") as instance " + instance + ", leases of " + lease;
    }

    /** The outage's reason while it lasts; otherwise a live check, which also notices the recovery. */
    @Override
    public Optional<String> problem() {
        try {
            ready();
        } catch (QueueStorageException e) {
            return Optional.of(problemOr(e.getMessage()));
        }
        try (Connection c = dataSource.getConnection()) {
            if (!c.isValid(5)) {
                return Optional.of("the PostgreSQL connection is not valid");
            }
            outage.succeeded();
            return Optional.empty();
        } catch (SQLException e) {
            outage.failed(e);
            return outage.problem();
        }
    }
}
