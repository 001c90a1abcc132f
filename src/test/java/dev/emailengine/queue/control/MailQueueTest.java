package dev.emailengine.queue.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.platform.Fsync;
import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.EmailDetails;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.QueueStatus;
import dev.emailengine.queue.entity.QueuedEmail;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailQueueTest {

    @TempDir
    Path data;

    private MailQueue open(Fsync fsync) {
        return QueueFixture.start(data, 3, fsync);
    }

    private static EmailMessage message(String to) {
        return EmailMessage.of(to, "subject", "body", null);
    }

    /** Durability is QueueFilesTest's subject; here 10,000 real fsyncs would only slow the test down. */
    private static final class NoSync extends Fsync {
        @Override
        public void file(FileChannel channel, Path path) {
        }

        @Override
        protected void forceDirectory(Path directory) {
        }
    }

    @Test
    void statusOfTenThousandQueuedEmailsComesFromMemoryAndIsPaged() throws IOException {
        MailQueue queue = open(new NoSync());
        for (int i = 0; i < 10_000; i++) {
            queue.enqueue(message("user" + i + "@example.com"), i % 100 == 0 ? 1 : 2, null, null);
        }
        // Take the files away: an answer now can only come from the index.
        Path moved = data.resolveSibling(data.getFileName() + "-moved");
        Files.move(data, moved);
        try {
            QueueStatus first = queue.status(0, 100);
            QueueStatus later = queue.status(9_950, 100);

            assertEquals(10_000, first.totalEmails());
            assertEquals(10_000, first.pending());
            assertEquals(100, first.batches().size());
            assertTrue(first.batches().stream().allMatch(b -> b.priority() == 1), "high priority is listed (and sent) first");
            assertEquals(50, later.batches().size());
            assertTrue(first.batches().get(0).filename().endsWith(".json"));
        } finally {
            Files.move(moved, data);
        }
    }

    @Test
    void anEmailCanBeFollowedThroughRetryDeadLetterAndRequeue() {
        MailQueue queue = open(new Fsync());
        QueuedEmail email = queue.enqueue(message("a@example.com"), 2, null, null);
        assertEquals("queued", queue.find(email.id()).orElseThrow().state());

        QueuedEmail claimed = queue.claimNext().orElseThrow();
        assertEquals("processing", queue.find(email.id()).orElseThrow().state());
        var transient451 = new Attempt(Instant.now(), Attempt.Outcome.TRANSIENT_FAILURE, 451, "451 try later", null);
        queue.retryLater(claimed, transient451, Instant.now().plusSeconds(60));

        EmailDetails retrying = queue.find(email.id()).orElseThrow();
        assertEquals("retrying", retrying.state());
        assertEquals(1, retrying.retryCount());
        assertEquals("451 try later", retrying.lastError());
        assertEquals(1, queue.status(0, 10).scheduledRetry());
        assertTrue(queue.claimNext().isEmpty(), "a retry waits for its time");

        queue.clock = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2));
        QueuedEmail again = queue.claimNext().orElseThrow();
        var rejected = new Attempt(Instant.now(), Attempt.Outcome.PERMANENT_FAILURE, 550, "550 no such user", null);
        queue.deadLetter(again, rejected);

        EmailDetails dead = queue.find(email.id()).orElseThrow();
        assertEquals("dead", dead.state());
        assertEquals(2, dead.attempts().size());
        assertEquals(1, queue.deadLetters(0, 10).total());

        assertTrue(queue.requeueDeadLetter(email.id()));
        EmailDetails requeued = queue.find(email.id()).orElseThrow();
        assertEquals("queued", requeued.state());
        assertEquals(0, requeued.retryCount(), "a fresh retry budget");
        assertEquals(2, requeued.attempts().size(), "the history is kept");
        assertEquals(0, queue.deadLetters(0, 10).total());
        assertFalse(queue.requeueDeadLetter(email.id()), "it is no longer a dead letter");
    }

    @Test
    void unknownOrMalformedIdsAreNotFoundAndNeverTouchOtherFiles() {
        MailQueue queue = open(new Fsync());

        assertTrue(queue.find("batch_1795000000000_deadbeef").isEmpty());
        assertTrue(queue.find("../../etc/passwd").isEmpty());
        assertFalse(queue.requeueDeadLetter("../queue/x"));
    }

    @Test
    void aRestartKeepsPendingEmailsInTheirOrderAndCountsDeadLetters() {
        MailQueue first = open(new Fsync());
        QueuedEmail low = first.enqueue(message("low@example.com"), 3, null, null);
        QueuedEmail high = first.enqueue(message("high@example.com"), 1, null, null);
        QueuedEmail doomed = first.enqueue(message("doomed@example.com"), 2, null, null);
        QueuedEmail claimedHigh = first.claimNext().orElseThrow();
        assertEquals(high.id(), claimedHigh.id());
        first.deadLetter(first.claimNext().orElseThrow(),
                new Attempt(Instant.now(), Attempt.Outcome.PERMANENT_FAILURE, 550, "no", null));
        // 'high' is still claimed when the process dies.

        MailQueue second = open(new Fsync());

        assertEquals(2, second.status(0, 10).pending());
        assertEquals(1, second.status(0, 10).deadLetter());
        assertEquals(high.id(), second.claimNext().orElseThrow().id(), "the interrupted email comes back first");
        assertEquals(low.id(), second.claimNext().orElseThrow().id());
        assertEquals("dead", second.find(doomed.id()).orElseThrow().state());
    }

    @Test
    void aBulkIsCoveredByItsJournalUntilEveryEmailIsSettledAndLostFilesComeBackAtStartUp() throws IOException {
        MailQueue first = open(new Fsync());
        List<QueuedEmail> bulk = first.enqueueAll(List.of(message("a@example.com"), message("b@example.com"),
                message("c@example.com")), 2, null, null);
        Path journal = data.resolve("bulk").resolve(bulk.get(0).id() + ".json");
        assertTrue(Files.exists(journal), "one durable journal for the whole bulk");
        QueuedEmail sent = first.claimNext().orElseThrow();
        first.delivered(sent, new Attempt(Instant.now(), Attempt.Outcome.SENT, 250, "ok", null));
        // A power cut loses a pending file that was never fsync'd on its own.
        Files.delete(data.resolve("queue").resolve(bulk.get(2).id() + ".json"));

        MailQueue second = open(new Fsync());

        assertEquals(2, second.status(0, 10).pending(), "the lost email is back; the sent one is not resent");
        QueuedEmail b = second.claimNext().orElseThrow();
        QueuedEmail c = second.claimNext().orElseThrow();
        assertEquals(List.of(bulk.get(1).id(), bulk.get(2).id()), List.of(b.id(), c.id()));
        second.delivered(b, new Attempt(Instant.now(), Attempt.Outcome.SENT, 250, "ok", null));
        assertTrue(Files.exists(journal), "c is not settled yet");
        second.retryLater(c, new Attempt(Instant.now(), Attempt.Outcome.TRANSIENT_FAILURE, 451, "later", null),
                Instant.now().plusSeconds(60));
        assertFalse(Files.exists(journal), "c's retry record is durable on its own; the journal is gone");
    }
}
