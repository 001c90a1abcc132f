package dev.emailengine.queue.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.IdempotencyRecord;
import dev.emailengine.queue.entity.QueueDepth;
import dev.emailengine.queue.entity.QueuedEmail;
import dev.emailengine.queue.entity.Recipient;
import dev.emailengine.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link QueueStore} promises, as seen through the interface alone. Each store's test
 * class extends this and says how to open its store (and open it again on the same storage, as a
 * restart does) and how to make its storage fail.
 */
abstract class QueueStoreContract {

    final ManualClock clock = new ManualClock();
    private final AtomicInteger sequence = new AtomicInteger();

    /** Opens the store on this test's storage; a second call is a restart on the same storage. */
    abstract QueueStore open();

    /** Makes durable writes fail from now on (a full or failing disk, a database that went away). */
    abstract void breakStorage();

    abstract void repairStorage();

    private QueuedEmail email(String to, int priority, Duration dueIn) {
        Instant now = clock.instant();
        String id = "batch_%d_%08x".formatted(now.toEpochMilli(), sequence.incrementAndGet());
        return QueuedEmail.accept(id, priority, now, QueuedEmail.NO_RETRY_LIMIT,
                EmailMessage.of(to, "subject", "body of " + to, null), null).dueAt(now.plus(dueIn));
    }

    private QueuedEmail email(String to) {
        return email(to, 2, Duration.ZERO);
    }

    private static Attempt attempt(Attempt.Outcome outcome, int code) {
        return new Attempt(Instant.now(), outcome, code, code + " reply", null);
    }

    private static List<String> drain(QueueStore store) {
        var sent = new ArrayList<String>();
        for (Optional<QueuedEmail> next = store.claimNext(); next.isPresent(); next = store.claimNext()) {
            store.delivered(next.get().withAttempt(attempt(Attempt.Outcome.SENT, 250)));
            sent.add(next.get().message().toEmail());
        }
        return sent;
    }

    @Test
    void bestPriorityFirstThenFirstInFirstOut() {
        QueueStore store = open();
        store.store(List.of(email("low@x.test", 3, Duration.ZERO)), null);
        store.store(List.of(email("normal1@x.test")), null);
        store.store(List.of(email("high@x.test", 1, Duration.ZERO)), null);
        store.store(List.of(email("normal2@x.test"), email("normal3@x.test")), null);

        assertEquals(List.of("high@x.test", "normal1@x.test", "normal2@x.test", "normal3@x.test", "low@x.test"),
                drain(store));
    }

    @Test
    void anEmailIsNotClaimedBeforeItIsDue() {
        QueueStore store = open();
        QueuedEmail later = email("later@x.test", 1, Duration.ofMinutes(10));
        store.store(List.of(later), null);
        store.store(List.of(email("now@x.test", 3, Duration.ZERO)), null);

        assertEquals(List.of("now@x.test"), drain(store), "the due one goes, whatever the priority");
        clock.advance(Duration.ofMinutes(10));
        assertEquals(List.of("later@x.test"), drain(store));
    }

    @Test
    void aRetryWaitsForItsTimeAndKeepsItsHistory() {
        QueueStore store = open();
        QueuedEmail stored = email("retry@x.test");
        store.store(List.of(stored), null);
        QueuedEmail claimed = store.claimNext().orElseThrow();
        store.retryLater(claimed.withRetry(attempt(Attempt.Outcome.TRANSIENT_FAILURE, 451),
                clock.instant().plusSeconds(60)));

        assertEquals("retrying", store.find(stored.id()).orElseThrow().state());
        assertTrue(store.claimNext().isEmpty());
        clock.advance(Duration.ofSeconds(60));
        QueuedEmail again = store.claimNext().orElseThrow();
        assertEquals(1, again.retryCount());
        assertEquals(1, again.attempts().size());
    }

    @Test
    void aPostponedEmailWaitsWithoutSpendingAnAttemptAndOthersGoMeanwhile() throws InterruptedException {
        QueueStore store = open();
        QueuedEmail stored = email("paced@x.test");
        store.store(List.of(stored), null);
        store.store(List.of(email("other@x.test")), null);
        QueuedEmail claimed = store.claimNext().orElseThrow();
        assertEquals(stored.id(), claimed.id());

        store.postpone(claimed, clock.instant().plusMillis(300));
        assertEquals("queued", store.find(stored.id()).orElseThrow().state(), "back in the queue, no retry");
        assertEquals(List.of("other@x.test"), drain(store), "the email behind it is not held up");
        assertTrue(store.claimNext().isEmpty(), "not before its time");
        long start = System.nanoTime();
        store.awaitWork(Duration.ofSeconds(10));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5),
                "an idle worker wakes when the postponed email comes due, not after its longest wait");
        clock.advance(Duration.ofMillis(300));
        QueuedEmail again = store.claimNext().orElseThrow();
        assertEquals(stored.id(), again.id());
        assertEquals(0, again.retryCount());
        assertTrue(again.attempts().isEmpty(), "a postponement is no attempt");
    }

    @Test
    void aPostponedEmailGoesBeforeMailQueuedAfterItsTime() {
        QueueStore store = open();
        store.store(List.of(email("first@x.test"), email("second@x.test")), null);
        QueuedEmail first = store.claimNext().orElseThrow();
        store.postpone(first, clock.instant().plusSeconds(1));
        clock.advance(Duration.ofSeconds(2));
        store.store(List.of(email("third@x.test")), null);
        List<String> order = drain(store);
        assertEquals(3, order.size());
        assertTrue(order.indexOf("first@x.test") < order.indexOf("third@x.test"), order::toString);
    }

    @Test
    void everyStateIsFoundByIdAndCounted() {
        QueueStore store = open();
        QueuedEmail sent = email("sent@x.test");
        QueuedEmail dead = email("dead@x.test");
        QueuedEmail waiting = email("waiting@x.test", 2, Duration.ofHours(1));
        store.store(List.of(sent, dead), null);
        store.store(List.of(waiting), null);
        store.delivered(store.claimNext().orElseThrow().withAttempt(attempt(Attempt.Outcome.SENT, 250)));
        QueuedEmail processing = store.claimNext().orElseThrow();
        assertEquals("processing", store.find(dead.id()).orElseThrow().state());
        assertTrue(store.deadLetter(processing.withAttempt(attempt(Attempt.Outcome.PERMANENT_FAILURE, 550))));

        assertEquals("sent", store.find(sent.id()).orElseThrow().state());
        assertEquals("dead", store.find(dead.id()).orElseThrow().state());
        assertEquals("queued", store.find(waiting.id()).orElseThrow().state());
        assertTrue(store.find("batch_1_00000000").isEmpty());
        assertEquals(1, store.status(0, 10).totalEmails());
        assertEquals(1, store.status(0, 10).deadLetter());
        assertEquals(1, store.status(0, 10).sent());
        assertEquals(List.of(dead.id()), store.deadLetters(0, 10).emails().stream().map(e -> e.requestId()).toList());
    }

    /** The dashboard samples these every few seconds: the same figures as status, each state apart. */
    @Test
    void depthCountsEachStateAndASharedStoreTellsWhatItsInstancesDid() {
        QueueStore store = open();
        Instant since = clock.instant().minusSeconds(1);
        QueuedEmail sent = email("sent@x.test");
        QueuedEmail dead = email("dead@x.test");
        QueuedEmail claimed = email("claimed@x.test");
        QueuedEmail due = email("due@x.test");
        QueuedEmail later = email("later@x.test", 2, Duration.ofHours(1));
        QueuedEmail retryLater = email("retry-later@x.test");
        QueuedEmail retryNow = email("retry-now@x.test");
        store.store(List.of(sent, dead, retryLater, retryNow, claimed, due, later), null);
        store.delivered(store.claimNext().orElseThrow().withAttempt(attempt(Attempt.Outcome.SENT, 250)));
        assertTrue(store.deadLetter(store.claimNext().orElseThrow()
                .withAttempt(attempt(Attempt.Outcome.PERMANENT_FAILURE, 550))));
        QueuedEmail firstTry = store.claimNext().orElseThrow();
        QueuedEmail secondTry = store.claimNext().orElseThrow();
        assertEquals(claimed.id(), store.claimNext().orElseThrow().id());
        store.retryLater(firstTry.withRetry(attempt(Attempt.Outcome.TRANSIENT_FAILURE, 451),
                clock.instant().plusSeconds(60)));
        store.retryLater(secondTry.withRetry(attempt(Attempt.Outcome.TRANSIENT_FAILURE, 451), clock.instant()));
        // Every priority counts (PostgreSQL reads one index range per priority).
        store.store(List.of(email("urgent@x.test", 1, Duration.ZERO), email("bulk@x.test", 3, Duration.ofHours(2))),
                null);

        // Retries, due now or after their back-off, are neither queued nor scheduled.
        assertEquals(new QueueDepth(2, 2, 2, 1, 1), store.depth());
        store.activity(since).ifPresent(activity -> {
            assertEquals(List.of(1, 0, 1, 0), List.of((int) activity.sent(), (int) activity.cancelled(),
                    (int) activity.dead(), activity.instances().size() - 1), activity.toString());
            assertEquals(activity.self(), activity.instances().get(0).instance());
            assertEquals(1, activity.instances().get(0).claimed());
        });
        clock.advance(Duration.ofSeconds(61));
        assertEquals(new QueueDepth(2, 2, 2, 1, 1), store.depth(), "a retry whose back-off ended is still retrying");
        clock.advance(Duration.ofSeconds(5));
        store.activity(clock.instant().minusSeconds(1))
                .ifPresent(activity -> assertEquals(0, activity.sent(), "only what finished after since"));
    }

    @Test
    void aClaimedEmailNotReportedBackIsClaimableAfterARestartAndFinishedOnesStayFinished() {
        QueueStore first = open();
        QueuedEmail inFlight = email("inflight@x.test");
        QueuedEmail sent = email("sent@x.test");
        QueuedEmail cancelled = email("cancelled@x.test", 2, Duration.ofHours(1));
        first.store(List.of(sent, inFlight), null);
        first.store(List.of(cancelled), null);
        first.delivered(first.claimNext().orElseThrow().withAttempt(attempt(Attempt.Outcome.SENT, 250)));
        first.claimNext().orElseThrow();
        assertEquals(QueueStore.Cancellation.CANCELLED, first.cancel(cancelled.id()));
        first.purgeFinished(Duration.ZERO);

        QueueStore second = open();

        clock.advance(Duration.ofHours(2));
        assertEquals(List.of("inflight@x.test"), drain(second), "at least once; nothing finished comes back");
    }

    @Test
    void concurrentClaimsNeverHandOneEmailToTwoCallers() throws Exception {
        QueueStore store = open();
        var emails = new ArrayList<QueuedEmail>();
        for (int i = 0; i < 200; i++) {
            emails.add(email("c" + i + "@x.test"));
        }
        store.store(emails.subList(0, 100), null);
        for (QueuedEmail e : emails.subList(100, 200)) {
            store.store(List.of(e), null);
        }
        Set<String> claimed = ConcurrentHashMap.newKeySet();
        AtomicInteger twice = new AtomicInteger();
        List<Integer> counts = race(8, () -> {
            int mine = 0;
            for (Optional<QueuedEmail> next = store.claimNext(); next.isPresent(); next = store.claimNext()) {
                if (!claimed.add(next.get().id())) {
                    twice.incrementAndGet();
                }
                store.delivered(next.get().withAttempt(attempt(Attempt.Outcome.SENT, 250)));
                mine++;
            }
            return mine;
        });

        assertEquals(0, twice.get());
        assertEquals(200, counts.stream().mapToInt(Integer::intValue).sum());
        assertEquals(200, claimed.size());
    }

    @Test
    void aCancelAndAClaimRacingForOneEmailHaveOneWinner() throws Exception {
        QueueStore store = open();
        for (int round = 0; round < 50; round++) {
            QueuedEmail contested = email("contested" + round + "@x.test");
            store.store(List.of(contested), null);
            List<Object> outcomes = race(2, List.<Callable<Object>>of(
                    () -> store.cancel(contested.id()),
                    () -> store.claimNext().map(QueuedEmail::id).orElse("none")));
            boolean cancelled = outcomes.get(0) == QueueStore.Cancellation.CANCELLED;
            boolean claimed = contested.id().equals(outcomes.get(1));
            assertTrue(cancelled ^ claimed, "exactly one wins: " + outcomes);
            if (claimed) {
                store.delivered(contested.withAttempt(attempt(Attempt.Outcome.SENT, 250)));
            }
        }
        assertTrue(store.claimNext().isEmpty());
    }

    @Test
    void aDeadLetterIsRequeuedOnceHoweverManyAsk() throws Exception {
        QueueStore store = open();
        var ids = new ArrayList<String>();
        for (int i = 0; i < 20; i++) {
            QueuedEmail e = email("d" + i + "@x.test");
            ids.add(e.id());
            store.store(List.of(e), null);
        }
        for (int i = 0; i < 20; i++) {
            store.deadLetter(store.claimNext().orElseThrow().withAttempt(attempt(Attempt.Outcome.PERMANENT_FAILURE, 550)));
        }
        List<Integer> wins = race(6, () -> {
            int won = 0;
            for (String id : ids) {
                won += store.requeueDeadLetter(id).isPresent() ? 1 : 0;
            }
            return won;
        });

        assertEquals(20, wins.stream().mapToInt(Integer::intValue).sum());
        List<String> sent = drain(store);
        assertEquals(20, sent.size());
        assertEquals(20, new HashSet<>(sent).size());
        assertEquals(0, store.deadLetters(0, 10).total());
        assertEquals(0, store.find(ids.get(0)).orElseThrow().retryCount(), "a fresh retry budget");
    }

    @Test
    void aFailedStoreLeavesNothingQueuedBeforeOrAfterARestart() {
        QueueStore store = open();
        breakStorage();
        assertThrows(QueueStorageException.class, () -> store.store(List.of(email("one@x.test")), null));
        assertThrows(QueueStorageException.class,
                () -> store.store(List.of(email("bulk1@x.test"), email("bulk2@x.test")), null));
        repairStorage();

        assertTrue(store.claimNext().isEmpty());
        assertEquals(List.of(), drain(open()), "and nothing after a restart");
    }

    @Test
    void anIdempotencyRecordIsStoredWithItsEmailsAndSurvivesARestart() {
        QueueStore first = open();
        String keyHash = "c".repeat(64);
        List<QueuedEmail> bulk = List.of(email("i1@x.test"), email("i2@x.test"));
        first.store(bulk, new IdempotencyRecord(keyHash, "request", clock.instant(), BulkJournals.ids(bulk)));

        QueueStore second = open();

        IdempotencyRecord found = second.idempotencyRecord(keyHash, "request").orElseThrow();
        assertEquals(BulkJournals.ids(bulk), found.ids());
        assertEquals("request", second.idempotencyRecord(keyHash, "other").orElseThrow().requestHash(),
                "a different request under the key is recognised");
        assertTrue(second.idempotencyRecord("d".repeat(64), "request").isEmpty());
        clock.advance(second.idempotencyTtl().plusSeconds(1));
        assertTrue(second.idempotencyRecord(keyHash, "request").isEmpty(), "expired");
    }

    @Test
    void cancelTellsTooLateAlreadyCancelledAndUnknownApart() {
        QueueStore store = open();
        QueuedEmail sent = email("s@x.test");
        QueuedEmail scheduled = email("sch@x.test", 2, Duration.ofHours(1));
        store.store(List.of(sent), null);
        store.store(List.of(scheduled), null);
        QueuedEmail claimed = store.claimNext().orElseThrow();

        assertEquals(QueueStore.Cancellation.TOO_LATE, store.cancel(sent.id()), "being sent");
        store.delivered(claimed.withAttempt(attempt(Attempt.Outcome.SENT, 250)));
        assertEquals(QueueStore.Cancellation.TOO_LATE, store.cancel(sent.id()), "sent");
        assertEquals(QueueStore.Cancellation.CANCELLED, store.cancel(scheduled.id()));
        assertEquals(QueueStore.Cancellation.ALREADY_CANCELLED, store.cancel(scheduled.id()));
        assertEquals(QueueStore.Cancellation.NOT_FOUND, store.cancel("batch_1_00000000"));
        assertEquals(QueueStore.Cancellation.NOT_FOUND, store.cancel("../../etc/passwd"));
        clock.advance(Duration.ofHours(2));
        assertTrue(store.claimNext().isEmpty(), "a cancelled email is never claimed");
    }

    @Test
    void aDeferredEmailGoesBackUntouched() {
        QueueStore store = open();
        QueuedEmail stored = email("defer@x.test");
        store.store(List.of(stored), null);
        store.defer(store.claimNext().orElseThrow());

        QueuedEmail again = store.claimNext().orElseThrow();
        assertEquals(0, again.retryCount());
        assertEquals(0, again.attempts().size());
        assertFalse(store.find(stored.id()).isEmpty());
    }

    /**
     * Recipient outcomes and enhanced status codes live in the record: a throttled email (back
     * without spending a retry) and then a sent one keep them, in the queue and once finished.
     */
    @Test
    void recipientOutcomesAndEnhancedStatusesSurviveAThrottleAndTheFinish() {
        QueueStore store = open();
        QueuedEmail stored = email("outcomes@x.test");
        store.store(List.of(stored), null);
        QueuedEmail claimed = store.claimNext().orElseThrow();
        Instant now = clock.instant();
        var throttled = List.of(new Recipient("outcomes@x.test", Recipient.Kind.TO, Recipient.State.THROTTLED,
                "451 4.7.1 slow down", "4.7.1", now));
        store.retryLater(claimed.withRecipients(throttled)
                .withAttempt(new Attempt(now, Attempt.Outcome.THROTTLED, 451, "451 4.7.1 slow down", "4.7.1"))
                .dueAt(now.plusSeconds(5)));

        assertEquals("queued", store.find(stored.id()).orElseThrow().state(), "no retry spent");
        clock.advance(Duration.ofSeconds(5));
        QueuedEmail again = store.claimNext().orElseThrow();
        assertEquals(throttled, again.recipients());
        assertEquals("4.7.1", again.attempts().get(0).enhancedStatus());
        assertEquals(0, again.retryCount());

        var sent = List.of(throttled.get(0).with(Recipient.State.SENT, "accepted", null, clock.instant()));
        store.delivered(again.withRecipients(sent).withAttempt(attempt(Attempt.Outcome.SENT, 250)));
        var details = store.find(stored.id()).orElseThrow();
        assertEquals("sent", details.state());
        assertEquals("sent", details.recipients().get(0).state());
        assertEquals(List.of(Attempt.Outcome.THROTTLED, Attempt.Outcome.SENT),
                details.attempts().stream().map(Attempt::outcome).toList());
    }

    private static <T> List<T> race(int threads, Callable<T> each) throws Exception {
        var tasks = new ArrayList<Callable<T>>();
        for (int i = 0; i < threads; i++) {
            tasks.add(each);
        }
        return race(threads, tasks);
    }

    private static <T> List<T> race(int threads, List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            var start = new CountDownLatch(1);
            var futures = new ArrayList<Future<T>>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            var results = new ArrayList<T>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
