package dev.emailengine.queue.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.IdempotencyRecord;
import dev.emailengine.queue.entity.QueuedEmail;
import dev.emailengine.testing.ManualClock;
import dev.emailengine.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only a shared store has: instances, leases, and a schema two instances migrate at once. */
class PgQueueStoreTest {

    private final TestDatabase database = TestDatabase.create();
    private final ManualClock clock = new ManualClock();

    @AfterEach
    void drop() {
        database.close();
    }

    private PgQueueStore instance(String name) {
        return new PgQueueStore(database, clock, name, Duration.ofMinutes(1), Duration.ofHours(24));
    }

    private QueuedEmail email(String to) {
        return QueuedEmail.accept("batch_%d_%08x".formatted(clock.millis(), to.hashCode()), 2, clock.instant(),
                QueuedEmail.NO_RETRY_LIMIT, EmailMessage.of(to, "s", "b", null), null);
    }

    @Test
    void aDeadInstancesLeaseExpiresAnotherTakesOverAndTheLateFinishIsRefused() {
        PgQueueStore a = instance("node-a");
        PgQueueStore b = instance("node-b");
        a.store(List.of(email("leased@x.test")), null);
        QueuedEmail claimedByA = a.claimNext().orElseThrow();

        assertTrue(b.claimNext().isEmpty(), "a live lease keeps the email with node-a");
        clock.advance(Duration.ofMinutes(2));
        QueuedEmail claimedByB = b.claimNext().orElseThrow();
        assertEquals(claimedByA.id(), claimedByB.id(), "node-a's lease ran out: node-b takes the email over");

        a.delivered(claimedByA.withAttempt(new Attempt(Instant.now(), Attempt.Outcome.SENT, 250, "ok", null)));
        assertEquals("processing", b.find(claimedByB.id()).orElseThrow().state(),
                "node-a's late report changes nothing: the email is node-b's now");
        b.delivered(claimedByB.withAttempt(new Attempt(Instant.now(), Attempt.Outcome.SENT, 250, "ok", null)));
        assertEquals("sent", a.find(claimedByA.id()).orElseThrow().state(), "every instance sees the cluster's state");
    }

    @Test
    void anInstanceNeverTakesOverItsOwnExpiredClaimWhileItRunsButDoesAfterARestart() {
        PgQueueStore a = instance("node-a");
        a.store(List.of(email("slow@x.test")), null);
        QueuedEmail claimed = a.claimNext().orElseThrow();
        clock.advance(Duration.ofMinutes(2));

        assertTrue(a.claimNext().isEmpty(), "a thread of node-a still sends it: no second thread may take it");
        assertEquals(claimed.id(), instance("node-a").claimNext().orElseThrow().id(),
                "node-a restarted: its claims from before are back");
    }

    @Test
    void twoInstancesStoringUnderOneIdempotencyKeyQueueOnce() {
        PgQueueStore a = instance("node-a");
        PgQueueStore b = instance("node-b");
        QueuedEmail first = email("first@x.test");
        QueuedEmail second = email("second@x.test");
        a.store(List.of(first), new IdempotencyRecord("e".repeat(64), "request", clock.instant(), List.of(first.id())));

        assertThrows(IdempotencyKeyTakenException.class, () -> b.store(List.of(second),
                new IdempotencyRecord("e".repeat(64), "request", clock.instant(), List.of(second.id()))));
        assertTrue(b.find(second.id()).isEmpty(), "the losing request stored nothing");
        assertEquals(List.of(first.id()), b.idempotencyRecord("e".repeat(64), "request").orElseThrow().ids());
        clock.advance(Duration.ofHours(25));
        b.store(List.of(second), new IdempotencyRecord("e".repeat(64), "request", clock.instant(), List.of(second.id())));
        assertEquals(List.of(second.id()), a.idempotencyRecord("e".repeat(64), "request").orElseThrow().ids(),
                "an expired key may be used again");
    }

    @Test
    void twoInstancesStartingAtOnceApplyEachMigrationOnce() throws Exception {
        var pool = Executors.newFixedThreadPool(4);
        try {
            var starts = new ArrayList<Future<PgQueueStore>>();
            for (int i = 0; i < 4; i++) {
                String name = "node-" + i;
                starts.add(pool.submit((Callable<PgQueueStore>) () -> instance(name)));
            }
            for (Future<PgQueueStore> start : starts) {
                start.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        try (var c = database.getConnection(); var rs = c.createStatement()
                .executeQuery("SELECT count(*), max(version) FROM email_engine_schema")) {
            rs.next();
            assertEquals(PgSchema.MIGRATIONS.size(), rs.getInt(1));
            assertEquals(PgSchema.MIGRATIONS.size(), rs.getInt(2));
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aDatabaseAwayAtStartUpRefusesMailThenServesOnceItAnswers() {
        database.breakConnections(true);
        PgQueueStore store = instance("node-a"); // no exception: the service starts anyway

        assertTrue(store.problem().orElseThrow().contains("PostgreSQL unreachable"), store.problem().toString());
        assertThrows(QueueStorageException.class, () -> store.store(List.of(email("early@x.test")), null));
        assertTrue(store.claimNext().isEmpty());

        database.breakConnections(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.problem().isEmpty());
        QueuedEmail later = email("later@x.test");
        store.store(List.of(later), null);
        assertEquals(later.id(), store.claimNext().orElseThrow().id(), "the schema was applied once it answered");
    }

    @Test
    void anOutcomeReachedWhileTheDatabaseIsAwayIsRecordedWhenItIsBackAndTheEmailIsNotSentTwice() {
        PgQueueStore a = instance("node-a");
        a.store(List.of(email("outage@x.test")), null);
        QueuedEmail claimed = a.claimNext().orElseThrow();

        database.breakConnections(true);
        a.delivered(claimed.withAttempt(new Attempt(Instant.now(), Attempt.Outcome.SENT, 250, "ok", null)));
        assertTrue(a.problem().isPresent(), "health reports the outage");
        assertThrows(QueueStorageException.class, () -> a.find(claimed.id()), "reads answer 503 too");

        database.breakConnections(false);
        assertTrue(a.claimNext().isEmpty(), "nothing to send again: the email stays ours until recorded");
        assertEquals("sent", a.find(claimed.id()).orElseThrow().state(), "recorded once the database answered");
        assertTrue(a.problem().isEmpty());
    }

    @Test
    void anUnreadableRowLeavesTheQueueForCorruptEmailAndDoesNotBlockTheEmailsBehindIt() throws SQLException {
        PgQueueStore a = instance("node-a");
        QueuedEmail good = email("good@x.test");
        try (var c = database.getConnection(); var insert = c.prepareStatement("INSERT INTO queued_email"
                + " (id, priority, due_at, retry_count, record) VALUES ('batch_1_bad', 1, timestamptz '2026-11-30 10:00:00+00', 0,"
                + " convert_to('{not json', 'UTF8'))")) {
            insert.executeUpdate();
        }
        a.store(List.of(good), null);

        assertEquals(good.id(), a.claimNext().orElseThrow().id());
        try (var c = database.getConnection(); var rs = c.createStatement()
                .executeQuery("SELECT id, reason FROM corrupt_email")) {
            assertTrue(rs.next(), "the unreadable row is kept for an operator");
            assertEquals("batch_1_bad", rs.getString(1));
            assertTrue(rs.getString(2).contains("unparsable"), rs.getString(2));
        }
    }

    @Test
    void anIdleInstanceIsWokenByAnotherInstancesInsertLongBeforeItWouldPoll() throws Exception {
        PgQueueStore a = instance("node-a");
        instance("node-b");
        PgWakeUps listener = new PgWakeUps(database);
        listener.start();
        assertTrue(listener.listening(), "the test's driver offers LISTEN/NOTIFY");
        var waiter = Executors.newSingleThreadExecutor();
        try {
            Future<?> woken = waiter.submit(() -> {
                listener.await(Duration.ofSeconds(60), Duration.ofSeconds(60));
                return null;
            });
            a.store(List.of(email("wake@x.test")), null);
            woken.get(20, TimeUnit.SECONDS); // a poll would take 60 s
        } finally {
            waiter.shutdownNow();
            listener.close();
        }
    }

    @Test
    void anOutageLongerThanTheLeaseSendsNothingTwiceWhenTheOwnerIsStillAlive() {
        PgQueueStore a = instance("node-a");
        PgQueueStore b = instance("node-b");
        a.store(List.of(email("long-outage@x.test")), null);
        QueuedEmail claimed = a.claimNext().orElseThrow();

        database.breakConnections(true);
        a.delivered(claimed.withAttempt(new Attempt(Instant.now(), Attempt.Outcome.SENT, 250, "ok", null)));
        assertTrue(b.claimNext().isEmpty(), "node-b finds the database away too");
        clock.advance(Duration.ofMinutes(5)); // far past the one-minute lease
        database.breakConnections(false);

        assertTrue(b.claimNext().isEmpty(), "every lease looks run out after an outage: node-b waits for the owners");
        a.maintain(); // node-a's upkeep: its outcome is written, its leases renewed
        clock.advance(PgClaims.TAKEOVER_GRACE);
        assertTrue(b.claimNext().isEmpty(), "nothing left to take over: the email was sent once");
        assertEquals("sent", b.find(claimed.id()).orElseThrow().state());
    }

    @Test
    void aLiveInstanceRenewsItsLeasesSoASlowSendIsNotTakenOver() {
        PgQueueStore a = instance("node-a");
        PgQueueStore b = instance("node-b");
        a.store(List.of(email("slow-send@x.test")), null);
        QueuedEmail claimed = a.claimNext().orElseThrow();

        for (int i = 0; i < 4; i++) { // four times the one-minute lease, renewed on the way
            clock.advance(Duration.ofSeconds(30));
            a.maintain();
            assertTrue(b.claimNext().isEmpty(), "node-a is alive and renews: its email stays its own");
        }
        a.delivered(claimed.withAttempt(new Attempt(Instant.now(), Attempt.Outcome.SENT, 250, "ok", null)));
        assertEquals("sent", b.find(claimed.id()).orElseThrow().state());
    }

    @Test
    void anEmailQueuedByANewerReleaseIsLeftForItNotSetAside() throws SQLException {
        PgQueueStore a = instance("node-a");
        try (var c = database.getConnection(); var insert = c.prepareStatement("INSERT INTO queued_email"
                + " (id, priority, due_at, retry_count, record) VALUES ('batch_1_newer', 1, timestamptz '2026-11-30 10:00:00+00', 0,"
                + " convert_to('{\"version\": 99, \"id\": \"batch_1_newer\"}', 'UTF8'))")) {
            insert.executeUpdate();
        }

        assertTrue(a.claimNext().isEmpty());
        try (var c = database.getConnection(); var read = c.prepareStatement(
                "SELECT claimed, due_at > ? FROM queued_email WHERE id = 'batch_1_newer'")) {
            read.setTimestamp(1, java.sql.Timestamp.from(clock.instant())); // the store's clock, not the database's
            try (var rs = read.executeQuery()) {
                assertTrue(rs.next(), "still queued, for an instance of the newer release");
                assertTrue(!rs.getBoolean(1) && rs.getBoolean(2), "unclaimed, and not offered again at once");
            }
        }
        assertTrue(a.claimNext().isEmpty(), "not offered again within the minute");
    }

    @Test
    void aClaimWhoseAnswerWasLostIsClaimedAgainOnceItsLeaseRunsOut() throws SQLException {
        PgQueueStore a = instance("node-a");
        QueuedEmail orphan = email("orphan@x.test");
        a.store(List.of(orphan), null);
        // The claim committed, then the connection died before its answer came: no worker has it.
        try (var c = database.getConnection(); var claim = c.prepareStatement("UPDATE queued_email SET claimed = true,"
                + " lease_owner = 'node-a', lease_until = ? WHERE id = ?")) {
            claim.setTimestamp(1, java.sql.Timestamp.from(clock.instant().plus(Duration.ofMinutes(1))));
            claim.setString(2, orphan.id());
            claim.executeUpdate();
        }
        a.maintain(); // renews only what a worker holds
        assertTrue(a.claimNext().isEmpty(), "its lease still runs");

        clock.advance(Duration.ofMinutes(2));
        assertEquals(orphan.id(), a.claimNext().orElseThrow().id(), "nobody had sent it: claimed again, not stuck");
    }
}
