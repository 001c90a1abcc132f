package dev.emailengine.queue.control;

import dev.emailengine.platform.Fsync;
import dev.emailengine.queue.entity.DeadLetterPage;
import dev.emailengine.queue.entity.EmailDetails;
import dev.emailengine.queue.entity.EmailState;
import dev.emailengine.queue.entity.IdempotencyRecord;
import dev.emailengine.queue.entity.QueueDepth;
import dev.emailengine.queue.entity.QueueStatus;
import dev.emailengine.queue.entity.QueuedEmail;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The queue on the local disk, one JSON file per email under {@code DATA_DIR} (see
 * {@link QueueFiles} for the layout). File work (writes, fsyncs, renames) happens outside any
 * lock so parallel requests share fsyncs; only the in-memory index is synchronised, which is what
 * makes claims, lookups and status pages cheap. State is per instance: two instances need two
 * data directories.
 */
public class FileQueueStore implements QueueStore {

    private static final System.Logger LOG = System.getLogger(FileQueueStore.class.getName());

    private final Clock clock;
    private final long minFreeDiskMb;
    private final QueueIndex index = new QueueIndex();
    private final QueueFiles files;
    private final BulkJournals journals;
    private final QueueView view;
    private final IdempotencyRecords idempotency;
    private final Path root;

    /** Opens the queue under {@code root} and recovers what an earlier run left there. */
    public FileQueueStore(Path root, Fsync fsync, Clock clock, Duration idempotencyTtl, int idempotencyCacheSize,
            long minFreeDiskMb) {
        this.clock = clock;
        this.minFreeDiskMb = minFreeDiskMb;
        Path dir = root.toAbsolutePath().normalize();
        this.root = dir;
        files = new QueueFiles(dir, fsync);
        journals = new BulkJournals(dir, fsync);
        view = new QueueView(index, files, clock);
        idempotency = new IdempotencyRecords(dir, idempotencyTtl, idempotencyCacheSize, fsync);
        QueueRecovery.load(dir, files, journals, idempotency, index, clock.millis());
    }

    /**
     * One email: its pending file, idempotency record inside. A bulk: one journal for all, then
     * pending files without fsyncs of their own. The lookup copy of the idempotency record is
     * written before the emails become claimable, so a sent email's key is always findable.
     */
    @Override
    public void store(List<QueuedEmail> emails, IdempotencyRecord record) {
        try {
            if (emails.size() == 1) {
                files.writePending(emails.get(0), record);
            } else {
                journals.track(BulkWriter.write(files, emails, journals,
                        record == null ? null : files.json().idempotency(record)), BulkJournals.ids(emails));
            }
        } catch (IOException e) {
            throw new QueueStorageException("could not store the email" + (emails.size() == 1 ? "" : "s"), e);
        }
        if (record != null) {
            try {
                idempotency.remember(record);
            } catch (IOException e) {
                // The emails are queued and their own files carry the record; memory has it now, and
                // start-up restores its file.
                LOG.log(Level.ERROR, "could not write the idempotency record of {0}: {1}", emails.get(0).id(),
                        e.getMessage());
            }
        }
        long nowMillis = clock.millis();
        for (QueuedEmail email : emails) {
            addToIndex(email, nowMillis);
        }
    }

    /**
     * The index gives the email up first, under its lock, so no worker can claim it afterwards;
     * then the file moves to {@code cancelled/}.
     */
    @Override
    public Cancellation cancel(String id) {
        if (!EmailIds.isWellFormed(id)) {
            return Cancellation.NOT_FOUND;
        }
        QueueIndex.Entry entry = index.removePending(id);
        if (entry == null) {
            if (index.stateOf(id) != null || index.isDead(id)
                    || files.find(id, EmailState.SENT).isPresent()) {
                return Cancellation.TOO_LATE;
            }
            return files.find(id, EmailState.CANCELLED).isPresent() ? Cancellation.ALREADY_CANCELLED
                    : Cancellation.NOT_FOUND;
        }
        try {
            if (files.cancel(id, clock.instant())) {
                settled(id);
                LOG.log(Level.INFO, "{0} cancelled", id);
                return Cancellation.CANCELLED;
            }
            LOG.log(Level.WARNING, "{0} was in the index but its file was gone", id);
            return Cancellation.NOT_FOUND;
        } catch (IOException e) {
            index.restore(entry);
            throw new QueueStorageException("could not cancel " + id, e);
        }
    }

    /** The claim is a rename of the email's file: the rename is the lock. */
    @Override
    public Optional<QueuedEmail> claimNext() {
        while (true) {
            QueueIndex.Entry entry = index.claimNext(clock.millis());
            if (entry == null) {
                return Optional.empty();
            }
            try {
                QueuedEmail email = files.claim(entry.id());
                if (email != null) {
                    return Optional.of(email);
                }
                LOG.log(Level.WARNING, "{0} vanished from the queue directory before it was claimed", entry.id());
            } catch (CorruptQueueFileException e) {
                setAside(entry.id(), e.getMessage());
            } catch (IOException e) {
                LOG.log(Level.ERROR, "{0} could not be claimed: {1}", entry.id(), e.getMessage());
            } catch (Error e) {
                // Its file went back to pending (QueueFiles.claim); so does its index entry.
                index.unclaim(entry.id(), clock.millis());
                throw e;
            }
            index.finished(entry.id());
        }
    }

    @Override
    public void awaitWork(Duration max) throws InterruptedException {
        index.awaitDue(max.toMillis(), clock);
    }

    @Override
    public void wakeAll() {
        index.wakeAll();
    }

    @Override
    public void delivered(QueuedEmail sent) {
        try {
            files.moveToTrash(sent);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "{0} was sent but could not be moved to the trash: {1}", sent.id(), e.getMessage());
        }
        settled(sent.id());
        index.sent(sent.id());
        LOG.log(Level.INFO, "{0} sent", sent.id());
    }

    @Override
    public void retryLater(QueuedEmail updated) {
        try {
            files.release(updated);
        } catch (IOException e) {
            // The processing file stays; start-up requeues it, so the email is delayed, not lost.
            LOG.log(Level.ERROR, "{0} could not be put back for retry: {1}", updated.id(), e.getMessage());
            index.finished(updated.id());
            return;
        }
        settled(updated.id());
        addToIndex(updated, clock.millis());
    }

    @Override
    public void defer(QueuedEmail email) {
        try {
            files.unclaim(email.id());
        } catch (IOException e) {
            LOG.log(Level.ERROR, "{0} could not be put back: {1}", email.id(), e.getMessage());
            index.finished(email.id());
            return;
        }
        index.unclaim(email.id(), clock.millis());
        LOG.log(Level.DEBUG, "{0} deferred: SMTP server unavailable", email.id());
    }

    /** The file goes back as it was (a rename, no fsync: a lost postponement only means a new check); the index holds the time. */
    @Override
    public void postpone(QueuedEmail email, java.time.Instant until) {
        try {
            files.unclaim(email.id());
        } catch (IOException e) {
            LOG.log(Level.ERROR, "{0} could not be put back: {1}", email.id(), e.getMessage());
            index.finished(email.id());
            return;
        }
        index.postpone(email.id(), until.toEpochMilli(), clock.millis());
    }

    @Override
    public boolean deadLetter(QueuedEmail dead) {
        try {
            files.moveToDeadLetter(dead);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "{0} could not be dead-lettered: {1}", dead.id(), e.getMessage());
            index.finished(dead.id());
            return false;
        }
        settled(dead.id());
        index.dead(dead.id());
        return true;
    }

    @Override
    public QueueStatus status(int offset, int limit) {
        return view.status(offset, limit);
    }

    @Override
    public QueueDepth depth() {
        return index.depth(clock.millis());
    }

    @Override
    public Optional<EmailDetails> find(String id) {
        return view.find(id);
    }

    @Override
    public DeadLetterPage deadLetters(int offset, int limit) {
        return view.deadLetters(offset, limit);
    }

    @Override
    public Optional<QueuedEmail> requeueDeadLetter(String id) {
        if (!EmailIds.isWellFormed(id)) {
            return Optional.empty();
        }
        Optional<QueuedEmail> requeued;
        try {
            requeued = files.requeueDeadLetter(id, clock.instant());
        } catch (IOException e) {
            throw new QueueStorageException("could not requeue " + id, e);
        }
        requeued.ifPresent(email -> addToIndex(email, clock.millis()));
        return requeued;
    }

    @Override
    public List<String> deadLetterIds() {
        return index.allDeadLetters();
    }

    /** Tombstones are synced first, so no bulk journal can bring back an email whose file this deletes. */
    @Override
    public int purgeFinished(Duration retention) {
        try {
            journals.syncTombstones();
            int purged = files.purgeTrash(clock.instant().minus(retention));
            index.purged(purged);
            return purged;
        } catch (IOException e) {
            throw new QueueStorageException("could not purge the trash", e);
        }
    }

    @Override
    public Optional<IdempotencyRecord> idempotencyRecord(String keyHash, String requestHash) {
        return idempotency.find(keyHash, requestHash, clock.instant());
    }

    @Override
    public int purgeIdempotencyRecords() {
        try {
            return idempotency.purgeExpired(clock.instant());
        } catch (IOException e) {
            throw new QueueStorageException("could not purge idempotency records", e);
        }
    }

    @Override
    public Duration idempotencyTtl() {
        return idempotency.ttl();
    }

    /** The queue directory is writable and has room for more mail. */
    @Override
    public Optional<String> problem() {
        Path dir = files.queueDirectory();
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            return Optional.of("queue directory " + dir + " is not writable");
        }
        try {
            long freeMb = Files.getFileStore(dir).getUsableSpace() / (1024 * 1024);
            if (freeMb < minFreeDiskMb) {
                return Optional.of(freeMb + " MB free under " + dir + ", below MIN_FREE_DISK_MB=" + minFreeDiskMb);
            }
        } catch (IOException e) {
            return Optional.of("cannot read free space of " + dir + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    private void addToIndex(QueuedEmail email, long nowMillis) {
        index.add(email.id(), email.priority(), email.nextAttemptAt().toEpochMilli(), email.createdAt().toEpochMilli(),
                email.retryCount(), nowMillis);
    }

    /** The email is durable on its own now, or gone for good: its bulk journal no longer needs it. */
    private void settled(String id) {
        try {
            journals.settled(id);
        } catch (IOException e) {
            // Retried before the next purge, and start-up tombstones it from where its file is.
            LOG.log(Level.WARNING, "could not settle {0} in its bulk journal: {1}", id, e.getMessage());
        }
    }

    private void setAside(String id, String reason) {
        try {
            files.moveClaimedAside(id, reason);
            settled(id);
            LOG.log(Level.ERROR, "{0} is unreadable and was moved to corrupt/: {1}", id, reason);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "{0} is unreadable and could not be moved aside: {1}", id, e.getMessage());
        }
    }

    @Override
    public String description() {
        return "files under " + root;
    }
}
