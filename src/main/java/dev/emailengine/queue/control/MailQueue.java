package dev.emailengine.queue.control;

import dev.emailengine.metrics.control.EmailMetrics;
import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.DeadLetterPage;
import dev.emailengine.queue.entity.EmailDetails;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.IdempotencyRecord;
import dev.emailengine.queue.entity.Location;
import dev.emailengine.queue.entity.QueueStatus;
import dev.emailengine.queue.entity.QueuedEmail;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one owner of the queue. File work (writes, fsyncs, renames) happens outside any lock so
 * parallel requests share fsyncs; only the in-memory index is synchronised, which is what makes
 * claims, lookups and status pages cheap. Concurrency is bean-managed because the container's
 * default write lock would serialise every enqueue behind one disk sync.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class MailQueue {

    private static final System.Logger LOG = System.getLogger(MailQueue.class.getName());

    @Inject
    @ConfigProperty(name = "data.dir", defaultValue = "./data")
    String dataDir;

    @Inject
    // Unset (QueuedEmail.NO_RETRY_LIMIT): only the dispatcher's queue lifetime bounds retries.
    @ConfigProperty(name = "max.retries", defaultValue = "2147483647")
    int maxRetries;

    @Inject
    @ConfigProperty(name = "idempotency.ttl", defaultValue = "24h")
    String idempotencyTtl;

    @Inject
    @ConfigProperty(name = "idempotency.cache.size", defaultValue = "10000")
    int idempotencyCacheSize;

    @Inject
    EmailMetrics metrics;

    // No field initialisers: the CDI container builds a proxy of this bean, running the
    // constructor, wherever it is injected (per request in a request-scoped resource), and a
    // SecureRandom seeded there cost more than the rest of an enqueue. Tests set these fields.
    Clock clock;
    Fsync fsync;

    private QueueIndex index;
    private EmailIds ids;
    private QueueFiles files;
    private BulkJournals journals;
    private QueueView view;
    private IdempotencyRecords idempotency;

    @PostConstruct
    void start() {
        clock = clock == null ? Clock.systemUTC() : clock;
        fsync = fsync == null ? new Fsync() : fsync;
        metrics = metrics == null ? new EmailMetrics() : metrics;
        index = new QueueIndex();
        ids = new EmailIds();
        Path root = Path.of(dataDir).toAbsolutePath().normalize();
        files = new QueueFiles(root, fsync);
        journals = new BulkJournals(root, fsync);
        view = new QueueView(index, files, clock);
        idempotency = new IdempotencyRecords(root, Durations.parse("IDEMPOTENCY_TTL",
                idempotencyTtl == null ? "24h" : idempotencyTtl), idempotencyCacheSize > 0 ? idempotencyCacheSize : 10_000,
                fsync);
        QueueRecovery.load(root, files, journals, idempotency, index, clock.millis());
    }

    /**
     * Persists the email durably, then makes it claimable (from {@code dueAt}, a client's send_at;
     * null means now) and wakes an idle worker.
     */
    public QueuedEmail enqueue(EmailMessage message, int priority, String templateName, Instant dueAt) {
        return enqueueAll(List.of(message), priority, templateName, dueAt, null).get(0);
    }

    public List<QueuedEmail> enqueueAll(List<EmailMessage> messages, int priority, String templateName,
            Instant dueAt) {
        return enqueueAll(messages, priority, templateName, dueAt, null);
    }

    /**
     * All or none: every email is durable before any becomes claimable, and a failure leaves
     * none of them queued. Ids follow the list's order, so so does delivery within a priority.
     * With an idempotency claim, the key's record is made durable in the same write as the
     * emails (their pending file, or the bulk journal), so no crash can keep one without the other.
     */
    public List<QueuedEmail> enqueueAll(List<EmailMessage> messages, int priority, String templateName,
            Instant dueAt, IdempotencyRecord.Claim claim) {
        Instant now = clock.instant();
        Instant due = dueAt == null || dueAt.isBefore(now) ? now : dueAt;
        var emails = new ArrayList<QueuedEmail>(messages.size());
        for (EmailMessage message : messages) {
            emails.add(QueuedEmail.accept(ids.next(now.toEpochMilli()), priority, now, maxRetries, message,
                    templateName).dueAt(due));
        }
        IdempotencyRecord record = claim == null ? null
                : new IdempotencyRecord(claim.keyHash(), claim.requestHash(), now, BulkJournals.ids(emails));
        try {
            if (emails.size() == 1) {
                files.writePending(emails.get(0), record);
            } else {
                journals.track(files.writeBulk(emails, journals, record == null ? null : files.json().idempotency(record)),
                        BulkJournals.ids(emails));
            }
        } catch (IOException e) {
            throw new QueueStorageException("could not store the email" + (emails.size() == 1 ? "" : "s"), e);
        }
        if (record != null) {
            try {
                // Before the emails become claimable: a sent email's key must already be findable.
                idempotency.remember(record);
            } catch (IOException e) {
                // The emails are queued and their own files carry the record; memory has it now, and
                // start-up restores its file.
                LOG.log(Level.ERROR, "could not write the idempotency record of {0}: {1}", emails.get(0).id(),
                        e.getMessage());
            }
        }
        metrics.accepted(emails.size());
        long nowMillis = clock.millis();
        for (QueuedEmail email : emails) {
            addToIndex(email, nowMillis);
            if (due.isAfter(now)) {
                LOG.log(Level.INFO, "{0} queued, priority {1}, not before {2}", email.id(), priority, due);
            } else {
                LOG.log(Level.INFO, "{0} queued, priority {1}", email.id(), priority);
            }
        }
        return emails;
    }

    /** What became of a cancel request. */
    public enum Cancellation {
        CANCELLED, ALREADY_CANCELLED, NOT_FOUND, TOO_LATE
    }

    /**
     * Withdraws an email no worker has claimed. The index gives it up first, under its lock, so
     * no worker can claim it afterwards; then the file moves to {@code cancelled/}.
     */
    public Cancellation cancel(String id) {
        if (!EmailIds.isWellFormed(id)) {
            return Cancellation.NOT_FOUND;
        }
        QueueIndex.Entry entry = index.removePending(id);
        if (entry == null) {
            if (index.stateOf(id, clock.millis()) != null || index.isDead(id)
                    || files.find(id, Location.TRASH).isPresent()) {
                return Cancellation.TOO_LATE;
            }
            return files.find(id, Location.CANCELLED).isPresent() ? Cancellation.ALREADY_CANCELLED
                    : Cancellation.NOT_FOUND;
        }
        try {
            if (files.cancel(id, clock.instant())) {
                settled(id);
                metrics.cancelled();
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

    /** The best due email, renamed to processing and owned by the caller until it reports back. */
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

    /** Blocks until an email may be due or {@code max} has passed; returns at once if one is due. */
    public void awaitWork(Duration max) throws InterruptedException {
        index.awaitDue(max.toMillis(), clock);
    }

    /** Wakes every waiting worker, for shutdown. */
    public void wakeAll() {
        index.wakeAll();
    }

    public void delivered(QueuedEmail email, Attempt attempt) {
        try {
            files.moveToTrash(email.withAttempt(attempt));
        } catch (IOException e) {
            LOG.log(Level.ERROR, "{0} was sent but could not be moved to the trash: {1}", email.id(), e.getMessage());
        }
        settled(email.id());
        index.sent(email.id());
        LOG.log(Level.INFO, "{0} sent", email.id());
    }

    /** Puts the email back, due at {@code nextAttemptAt}; the caller has checked the retry budget. */
    public void retryLater(QueuedEmail email, Attempt attempt, Instant nextAttemptAt) {
        QueuedEmail updated = email.withRetry(attempt, nextAttemptAt);
        try {
            files.release(updated);
        } catch (IOException e) {
            // The processing file stays; start-up requeues it, so the email is delayed, not lost.
            LOG.log(Level.ERROR, "{0} could not be put back for retry: {1}", email.id(), e.getMessage());
            index.finished(email.id());
            return;
        }
        settled(email.id());
        addToIndex(updated, clock.millis());
        if (updated.maxRetries() == QueuedEmail.NO_RETRY_LIMIT) {
            LOG.log(Level.INFO, "{0} retry {1} at {2}: {3}", email.id(), updated.retryCount(), nextAttemptAt,
                    attempt.message());
        } else {
            LOG.log(Level.INFO, "{0} retry {1} of {2} at {3}: {4}", email.id(), updated.retryCount(),
                    updated.maxRetries(), nextAttemptAt, attempt.message());
        }
    }

    /** Returns a claimed email untouched (the SMTP server is out; the email did nothing wrong). */
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

    public void deadLetter(QueuedEmail email, Attempt attempt) {
        try {
            files.moveToDeadLetter(email.withAttempt(attempt));
        } catch (IOException e) {
            LOG.log(Level.ERROR, "{0} could not be dead-lettered: {1}", email.id(), e.getMessage());
            index.finished(email.id());
            return;
        }
        settled(email.id());
        index.dead(email.id());
        LOG.log(Level.WARNING, "{0} dead-lettered after {1} attempt(s): {2}", email.id(), email.attempts().size() + 1,
                attempt.message());
    }

    /** One page of the queue, answered from memory alone. */
    public QueueStatus status(int offset, int limit) {
        return view.status(offset, limit);
    }

    /** Everything known about one email, wherever it is; empty for an unknown (or purged) id. */
    public Optional<EmailDetails> find(String id) {
        return view.find(id);
    }

    /** Newest first; reads only the files on the page. */
    public DeadLetterPage deadLetters(int offset, int limit) {
        return view.deadLetters(offset, limit);
    }

    /** Sends a dead letter back to the queue with a fresh retry budget; false if there is no such dead letter. */
    public boolean requeueDeadLetter(String id) {
        if (!EmailIds.isWellFormed(id)) {
            return false;
        }
        Optional<QueuedEmail> requeued;
        try {
            requeued = files.requeueDeadLetter(id, clock.instant());
        } catch (IOException e) {
            throw new QueueStorageException("could not requeue " + id, e);
        }
        if (requeued.isEmpty()) {
            return false;
        }
        addToIndex(requeued.get(), clock.millis());
        LOG.log(Level.INFO, "{0} requeued from the dead letters", id);
        return true;
    }

    /** @return how many dead letters went back to the queue */
    public int requeueAllDeadLetters() {
        int requeued = 0;
        for (String id : index.allDeadLetters()) {
            if (requeueDeadLetter(id)) {
                requeued++;
            }
        }
        return requeued;
    }

    /**
     * Deletes sent and cancelled emails older than {@code retention}. Tombstones are synced first,
     * so no bulk journal can bring back an email whose file this deletes.
     */
    public int purgeTrash(Duration retention) throws IOException {
        journals.syncTombstones();
        int purged = files.purgeTrash(clock.instant().minus(retention));
        index.purged(purged);
        return purged;
    }

    /**
     * The unexpired idempotency record of a (scoped) key hash; its ids are read only when the
     * record is of {@code requestHash} (a repeat to answer), not for a mismatch.
     */
    public Optional<IdempotencyRecord> idempotencyRecord(String keyHash, String requestHash) {
        return idempotency.find(keyHash, requestHash, clock.instant());
    }

    /** Deletes idempotency records older than IDEMPOTENCY_TTL. */
    public int purgeIdempotencyRecords() throws IOException {
        return idempotency.purgeExpired(clock.instant());
    }

    public Duration idempotencyTtl() {
        return idempotency.ttl();
    }

    /** Where pending emails are written: what health checks watch for space and permissions. */
    public Path queueDirectory() {
        return files.queueDirectory();
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
}
