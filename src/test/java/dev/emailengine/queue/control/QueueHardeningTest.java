package dev.emailengine.queue.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.platform.Fsync;
import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.IdempotencyRecord;
import dev.emailengine.queue.entity.QueuedEmail;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corners where mail could be lost, sent twice or come back after it was cancelled: each test
 * leaves the data directory as a crash or a power cut would, then starts a new queue on it (what a
 * restart does) and checks what a client would see.
 */
class QueueHardeningTest {

    @TempDir
    Path data;

    private MailQueue open() {
        return open(new Fsync());
    }

    private MailQueue open(Fsync fsync) {
        return QueueFixture.start(data, 3, fsync);
    }

    private static EmailMessage message(String to) {
        return EmailMessage.of(to, "subject", "body of " + to, null);
    }

    private static List<EmailMessage> messages(String prefix, int count) {
        var list = new ArrayList<EmailMessage>();
        for (int i = 0; i < count; i++) {
            list.add(message(prefix + i + "@example.com"));
        }
        return list;
    }

    private static final Attempt SENT = new Attempt(Instant.now(), Attempt.Outcome.SENT, 250, "ok", null);
    private static final Attempt REJECTED = new Attempt(Instant.now(), Attempt.Outcome.PERMANENT_FAILURE, 550, "no", null);

    /** Claims and "sends" everything due; returns the recipients in the order they went out. */
    private static List<String> sendAll(MailQueue queue) {
        var sent = new ArrayList<String>();
        for (Optional<QueuedEmail> next = queue.claimNext(); next.isPresent(); next = queue.claimNext()) {
            queue.delivered(next.get(), SENT);
            sent.add(next.get().message().toEmail());
        }
        return sent;
    }

    private Path queueFile(String name) {
        return data.resolve("queue").resolve(name);
    }

    private List<String> names(String dir) throws IOException {
        try (Stream<Path> files = Files.list(data.resolve(dir))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // --- 1. bulk pending files after a power cut ------------------------------------------------

    @Test
    void tornPendingAndClaimedFilesOfABulkAreRewrittenFromItsJournal() throws IOException {
        MailQueue first = open();
        List<QueuedEmail> bulk = first.enqueueAll(messages("torn", 3), 2, null, null);
        // A power cut: one pending file empty, another claimed and cut in half.
        Files.write(queueFile(bulk.get(0).id() + ".json"), new byte[0]);
        Path claimed = queueFile(bulk.get(1).id() + ".processing.json");
        Files.move(queueFile(bulk.get(1).id() + ".json"), claimed);
        byte[] whole = Files.readAllBytes(claimed);
        Files.write(claimed, java.util.Arrays.copyOf(whole, whole.length / 2));

        MailQueue second = open();

        assertEquals(List.of("torn0@example.com", "torn1@example.com", "torn2@example.com"), sendAll(second),
                "both torn emails are delivered, from the journal's copy, in order");
        assertEquals(List.of(), names("corrupt"), "nothing good was set aside as corrupt");
        assertEquals(List.of(), sendAll(open()), "and once sent, never again");
    }

    // --- 2. journal replay must not resurrect ---------------------------------------------------

    @Test
    void aCancelledEmailPurgedFromDiskNeverComesBackFromItsJournal() throws IOException {
        MailQueue first = open();
        Instant nextYear = Instant.now().plus(Duration.ofDays(300));
        List<QueuedEmail> bulk = first.enqueueAll(messages("later", 3), 2, null, nextYear);
        assertEquals(QueueStore.Cancellation.CANCELLED, first.cancel(bulk.get(1).id()));
        first.purgeTrash(Duration.ZERO);
        assertEquals(List.of(), names("cancelled"), "retention 0 purged the cancelled file");

        MailQueue second = open();

        assertEquals(2, second.status(0, 10).totalEmails(), "only the two still scheduled are queued");
        assertTrue(second.find(bulk.get(1).id()).isEmpty(), "the cancelled email stays gone");
        assertTrue(second.claimNext().isEmpty(), "the others still wait for their send_at");
    }

    @Test
    void sentEmailsPurgedFromTheTrashAreNotSentAgainWhileTheirJournalLives() throws IOException {
        MailQueue first = open();
        List<QueuedEmail> bulk = first.enqueueAll(messages("mixed", 4), 2, null, null);
        first.delivered(first.claimNext().orElseThrow(), SENT);
        first.delivered(first.claimNext().orElseThrow(), SENT);
        QueuedEmail third = first.claimNext().orElseThrow();
        first.retryLater(third, new Attempt(Instant.now(), Attempt.Outcome.TRANSIENT_FAILURE, 451, "later", null),
                Instant.now().plusSeconds(3600));
        // The fourth still waits, so the journal must stay; the sent ones' trash files go.
        assertEquals(2, first.purgeTrash(Duration.ZERO));
        assertTrue(Files.exists(data.resolve("bulk").resolve(bulk.get(0).id() + ".json")));

        MailQueue second = open();

        assertEquals(List.of("mixed3@example.com"), sendAll(second), "only the one never sent goes out");
        assertEquals("retrying", second.find(third.id()).orElseThrow().state());
        assertTrue(second.find(bulk.get(0).id()).isEmpty());
        assertEquals(List.of(), names("bulk"), "every email of the bulk is settled: its journal is gone");
    }

    @Test
    void anEmailThatFinishedJustBeforeACrashIsTombstonedAtStartUpAndNeverComesBack() throws IOException {
        MailQueue first = open();
        List<QueuedEmail> bulk = first.enqueueAll(messages("crash", 2), 2, null, null);
        first.claimNext().orElseThrow();
        // Killed after the sent email reached the trash, before its tombstone was written.
        Path claimed = queueFile(bulk.get(0).id() + ".processing.json");
        Files.move(claimed, data.resolve("trash").resolve(bulk.get(0).id() + ".json"));

        MailQueue second = open();
        second.purgeTrash(Duration.ZERO);
        MailQueue third = open();

        assertEquals(List.of("crash1@example.com"), sendAll(third), "the sent email is not sent again");
    }

    @Test
    void aCancelledFileIsKeptForTheRetentionCountedFromTheCancel() throws IOException {
        MailQueue queue = open();
        QueuedEmail email = queue.enqueue(message("keep@example.com"), 2, null, Instant.now().plusSeconds(3600));
        Files.setLastModifiedTime(queueFile(email.id() + ".json"),
                java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofDays(30))));
        queue.cancel(email.id());

        queue.purgeTrash(Duration.ofDays(7));

        assertEquals("cancelled", queue.find(email.id()).orElseThrow().state(),
                "accepted 30 days ago but cancelled just now: kept for the retention");
    }

    // --- 3. dead-letter requeue is exclusive ----------------------------------------------------

    @Test
    void concurrentRequeuesOfFiftyDeadLettersPutEachBackExactlyOnce() throws Exception {
        MailQueue queue = open();
        var ids = new ArrayList<String>();
        for (QueuedEmail email : queue.enqueueAll(messages("dead", 50), 2, null, null)) {
            ids.add(email.id());
        }
        for (int i = 0; i < 50; i++) {
            queue.deadLetter(queue.claimNext().orElseThrow(), REJECTED);
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        var start = new CountDownLatch(1);
        var futures = new ArrayList<Future<Integer>>();
        for (int t = 0; t < 20; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                if (thread % 4 == 0) {
                    return queue.requeueAllDeadLetters();
                }
                int won = 0;
                for (int i = 0; i < ids.size(); i++) {
                    won += queue.requeueDeadLetter(ids.get((i + thread * 7) % ids.size())) ? 1 : 0;
                }
                return won;
            }));
        }
        start.countDown();
        int requeued = 0;
        for (Future<Integer> f : futures) {
            requeued += f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertEquals(50, requeued, "each dead letter was requeued by exactly one request, none failed");
        List<String> sent = sendAll(queue);
        assertEquals(50, sent.size());
        assertEquals(50, new HashSet<>(sent).size(), "each email once");
        assertEquals(0, queue.deadLetters(0, 100).total());
        assertEquals(List.of(), sendAll(open()), "nothing is left to send after a restart");
    }

    @Test
    void aRequeueInterruptedAfterWritingThePendingFileLeavesOneLiveCopy() throws IOException {
        MailQueue first = open();
        QueuedEmail email = first.enqueue(message("twice@example.com"), 2, null, null);
        first.deadLetter(first.claimNext().orElseThrow(), REJECTED);
        // What a crash between writing the new pending file and removing the dead letter left.
        Path dead = data.resolve("dead_letter").resolve(email.id() + ".json");
        Files.copy(dead, queueFile(email.id() + ".json"));

        MailQueue second = open();

        assertEquals(0, second.deadLetters(0, 10).total(), "the stale dead letter is gone");
        assertFalse(Files.exists(dead));
        assertEquals(List.of("twice@example.com"), sendAll(second));
        assertEquals(List.of(), sendAll(open()));
        assertEquals(0, open().deadLetters(0, 10).total(), "and it cannot win later");
    }

    @Test
    void aRequeueInterruptedBeforeWritingThePendingFileLeavesTheDeadLetter() throws IOException {
        MailQueue first = open();
        QueuedEmail email = first.enqueue(message("claimed@example.com"), 2, null, null);
        first.deadLetter(first.claimNext().orElseThrow(), REJECTED);
        Path deadLetters = data.resolve("dead_letter");
        Files.move(deadLetters.resolve(email.id() + ".json"), deadLetters.resolve(".requeuing-" + email.id() + ".json"));

        MailQueue second = open();

        assertEquals(1, second.deadLetters(0, 10).total());
        assertTrue(second.requeueDeadLetter(email.id()), "it can be requeued again");
        assertEquals(List.of("claimed@example.com"), sendAll(second));
    }

    // --- 4. a 503 means not queued --------------------------------------------------------------

    @Test
    void whenTheDirectorySyncFailsNothingIsLeftThatARestartWouldSend() throws IOException {
        var fsync = new FailingDirectorySync(false);
        MailQueue queue = open(fsync);
        fsync.failing = true;

        assertThrows(QueueStorageException.class, () -> queue.enqueue(message("single@example.com"), 2, null, null));
        assertThrows(QueueStorageException.class, () -> queue.enqueueAll(messages("bulk", 5), 2, null, null));

        fsync.failing = false;
        QueuedEmail scheduled = queue.enqueue(message("cancel@example.com"), 2, null, Instant.now().plusSeconds(3600));
        fsync.failing = true;
        assertThrows(QueueStorageException.class, () -> queue.cancel(scheduled.id()));
        assertEquals("queued", queue.find(scheduled.id()).orElseThrow().state(), "a failed cancel leaves it queued");
        assertEquals(List.of(), names("cancelled"));
        Files.delete(queueFile(scheduled.id() + ".json"));

        assertEquals(List.of(), names("queue"), "the renames were undone");
        assertEquals(List.of(), names("bulk"));
        assertEquals(0, queue.status(0, 10).pending());
        fsync.failing = false;
        assertEquals(List.of(), sendAll(open(fsync)), "a restart finds nothing to send");
    }

    // --- 5. idempotency records are written with the emails ------------------------------------

    private static final String KEY_HASH = "a".repeat(64);

    @Test
    void anIdempotencyRecordLostWithItsLookupFileIsRestoredFromTheEmail() throws IOException {
        MailQueue first = open();
        QueuedEmail single = first.enqueueAll(List.of(message("once@example.com")), 2, null, null,
                new IdempotencyRecord.Claim(KEY_HASH, "request-1")).get(0);
        List<QueuedEmail> bulk = first.enqueueAll(messages("bulkonce", 3), 2, null, null,
                new IdempotencyRecord.Claim("b".repeat(64), "request-2"));
        assertEquals(List.of(single.id()), first.idempotencyRecord(KEY_HASH, "request-1").orElseThrow().ids());
        // A kill -9 (or power cut) right after the emails were written: no lookup files yet.
        for (String name : names("idempotency")) {
            Files.delete(data.resolve("idempotency").resolve(name));
        }

        MailQueue second = open();

        IdempotencyRecord restored = second.idempotencyRecord(KEY_HASH, "request-1").orElseThrow();
        assertEquals("request-1", restored.requestHash());
        assertEquals(List.of(single.id()), restored.ids());
        assertEquals(BulkJournals.ids(bulk), second.idempotencyRecord("b".repeat(64), "request-2").orElseThrow().ids());
    }

    @Test
    void idempotencyRecordsExpireAndAreFoundOnDiskBeyondTheCache() throws IOException {
        MailQueue queue = new MailQueue();
        queue.dataDir = data.toString();
        queue.maxRetries = 3;
        queue.idempotencyTtl = "1h";
        queue.idempotencyCacheSize = 2;
        queue.start();
        for (int i = 0; i < 5; i++) {
            queue.enqueueAll(List.of(message("k" + i + "@example.com")), 2, null, null,
                    new IdempotencyRecord.Claim(Integer.toString(i).repeat(64), "r" + i));
        }
        for (int i = 0; i < 5; i++) {
            assertEquals("r" + i, queue.idempotencyRecord(Integer.toString(i).repeat(64), "r" + i).orElseThrow().requestHash(),
                    "found though only 2 records are held in memory");
        }
        assertEquals("r4", queue.idempotencyRecord("4".repeat(64), "another request").orElseThrow().requestHash(),
                "a different request under a cached key is told apart from memory");
        queue.clock = java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(2));
        assertTrue(queue.idempotencyRecord("0".repeat(64), "r0").isEmpty(), "expired after IDEMPOTENCY_TTL");
        Files.setLastModifiedTime(data.resolve("idempotency").resolve("1".repeat(64) + ".json"),
                java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofHours(3))));
        assertTrue(queue.purgeIdempotencyRecords() >= 1);
        assertFalse(Files.exists(data.resolve("idempotency").resolve("1".repeat(64) + ".json")));
    }

    // --- 7. temp files left by a crash ----------------------------------------------------------

    @Test
    void tempFilesLeftInBulkAndIdempotencyAreRemovedAtStartUpAndNeverLoaded() throws IOException {
        Files.createDirectories(data.resolve("bulk"));
        Files.createDirectories(data.resolve("idempotency"));
        Files.writeString(data.resolve("bulk").resolve(".tmp-batch_1795000000000_00000001.json"), "{\"version\":1,");
        Files.writeString(data.resolve("idempotency").resolve(".tmp-" + KEY_HASH + ".json"),
                "{\"key_hash\":\"" + KEY_HASH + "\",\"request_hash\":\"x\",\"created_at\":\"2026-11-30T00:00:00Z\","
                        + "\"ids\":[\"batch_1795000000000_00000001\"]}");

        MailQueue queue = open();

        assertEquals(List.of(), names("bulk"));
        assertEquals(List.of(), names("idempotency"));
        assertTrue(queue.idempotencyRecord(KEY_HASH, "x").isEmpty());
        assertEquals(0, queue.status(0, 10).pending());
    }

    // --- tombstones are durable before a purge --------------------------------------------------

    @Test
    void tombstonesAreSyncedBeforeThePurgeDeletesWhatTheyStandFor() throws IOException {
        var synced = ConcurrentHashMap.<String>newKeySet();
        var fsync = new Fsync() {
            @Override
            public void file(FileChannel channel, Path path) throws IOException {
                super.file(channel, path);
                synced.add(path.getFileName().toString());
            }
        };
        MailQueue queue = open(fsync);
        List<QueuedEmail> bulk = queue.enqueueAll(messages("ts", 2), 2, null, null);
        queue.delivered(queue.claimNext().orElseThrow(), SENT);
        String tombstones = bulk.get(0).id() + ".settled";
        assertFalse(synced.contains(tombstones), "not synced on the delivery path");

        queue.purgeTrash(Duration.ZERO);

        assertTrue(synced.contains(tombstones));
        Set<String> lines = Set.copyOf(Files.readAllLines(data.resolve("bulk").resolve(tombstones)));
        assertEquals(Set.of(bulk.get(0).id()), lines);
        try (var channel = FileChannel.open(data.resolve("bulk").resolve(tombstones), StandardOpenOption.READ)) {
            assertTrue(channel.size() > 0);
        }
    }
}
