package dev.emailengine.queue.control;

import dev.emailengine.queue.entity.EmailState;
import dev.emailengine.queue.entity.QueuedEmail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.function.Consumer;

/**
 * Start-up: rebuilds the in-memory index from what an earlier run left on disk. Bulk journals
 * are replayed first, then every queue directory is scanned; claimed files go back to the queue
 * and half-written temp files are removed ({@link StartUpRepair}).
 */
final class QueueRecovery {

    private static final System.Logger LOG = System.getLogger(QueueRecovery.class.getName());

    private QueueRecovery() {
    }

    static void load(Path root, QueueFiles files, BulkJournals journals, IdempotencyRecords idempotency,
            QueueIndex index, long nowMillis) {
        Instant now = Instant.ofEpochMilli(nowMillis);
        Consumer<String> log = message -> LOG.log(Level.WARNING, message);
        var repair = new StartUpRepair(files);
        // Only what the index needs: holding every recovered email, bodies and all, until the
        // sort made start-up with 100,000 queued files the largest use of memory in the service.
        var recovered = new ArrayList<QueueJson.Summary>();
        try {
            // Before the queue scan, so that emails rewritten from a journal are found by it.
            idempotency.removeTemps(log);
            journals.replayAll((journal, record, unsettled) -> {
                var waiting = new ArrayList<String>();
                var finished = new ArrayList<String>();
                for (QueuedEmail email : unsettled) {
                    (repair.restoreFromJournal(email, log) ? waiting : finished).add(email.id());
                }
                if (record != null) {
                    idempotency.restore(record, now);
                }
                journals.adopt(journal, waiting, finished);
            }, log);
            repair.recover(summary -> {
                recovered.add(summary);
                if (summary.idempotency() != null) {
                    try {
                        idempotency.restore(summary.idempotency(), now);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }, log);
            index.setSentCount(files.idsIn(EmailState.SENT).size());
            files.idsIn(EmailState.DEAD).forEach(index::dead);
        } catch (IOException | UncheckedIOException e) {
            throw new QueueStorageException("cannot read the queue under " + root, e);
        }
        // Arrival order survives a restart: created_at, then the id's counter suffix.
        recovered.sort(Comparator.comparing(QueueJson.Summary::createdAt).thenComparing(QueueJson.Summary::id));
        for (QueueJson.Summary email : recovered) {
            index.add(email.id(), email.priority(), email.nextAttemptAt().toEpochMilli(),
                    email.createdAt().toEpochMilli(), email.retryCount(), nowMillis);
        }
        QueueIndex.Snapshot counts = index.snapshot(0, 0, nowMillis);
        LOG.log(Level.INFO, "Queue at {0}: {1} pending, {2} dead letters, {3} sent in the trash", root,
                recovered.size(), counts.deadLetters(), counts.sent());
    }
}
