package dev.emailengine.queue.control;

import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.EmailMessage;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one owner of the queue. File work (writes, fsyncs, renames) happens outside the lock so
 * parallel requests share fsyncs; the lock only covers the in-memory index, which is what makes
 * claims and lookups cheap. Concurrency is bean-managed because the container's default write
 * lock would serialise every enqueue behind one disk sync.
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
    @ConfigProperty(name = "max.retries", defaultValue = "3")
    int maxRetries;

    Clock clock = Clock.systemUTC();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workArrived = lock.newCondition();
    private final QueueIndex index = new QueueIndex();
    private final EmailIds ids = new EmailIds();
    private QueueFiles files;

    @PostConstruct
    void start() {
        Path root = Path.of(dataDir).toAbsolutePath().normalize();
        files = new QueueFiles(root, new Fsync());
        long now = clock.millis();
        var recovered = new java.util.ArrayList<QueuedEmail>();
        try {
            files.recover(recovered::add, message -> LOG.log(Level.WARNING, message));
        } catch (IOException e) {
            throw new QueueStorageException("cannot read the queue under " + root, e);
        }
        // Arrival order survives a restart: created_at, then the id's counter suffix.
        recovered.sort(java.util.Comparator.comparing(QueuedEmail::createdAt).thenComparing(QueuedEmail::id));
        for (QueuedEmail email : recovered) {
            index.add(email.id(), email.priority(), email.nextAttemptAt().toEpochMilli(), now);
        }
        LOG.log(Level.INFO, "Queue at {0}: {1} emails pending", root, recovered.size());
    }

    /** Persists the email durably, then makes it claimable and wakes an idle worker. */
    public QueuedEmail enqueue(EmailMessage message, int priority, String templateName) {
        Instant now = clock.instant();
        QueuedEmail email = QueuedEmail.accept(ids.next(now.toEpochMilli()), priority, now, maxRetries, message,
                templateName);
        try {
            files.writePending(email);
        } catch (IOException e) {
            throw new QueueStorageException("could not store the email", e);
        }
        lock.lock();
        try {
            index.add(email.id(), priority, now.toEpochMilli(), clock.millis());
            workArrived.signal();
        } finally {
            lock.unlock();
        }
        LOG.log(Level.INFO, "{0} queued, priority {1}", email.id(), priority);
        return email;
    }

    /** The best due email, renamed to processing and owned by the caller until it reports back. */
    public Optional<QueuedEmail> claimNext() {
        while (true) {
            QueueIndex.Entry entry;
            lock.lock();
            try {
                entry = index.claimNext(clock.millis());
            } finally {
                lock.unlock();
            }
            if (entry == null) {
                return Optional.empty();
            }
            try {
                QueuedEmail email = files.claim(entry.id());
                if (email != null) {
                    return Optional.of(email);
                }
                LOG.log(Level.WARNING, "{0} vanished from the queue directory before it was claimed", entry.id());
            } catch (CorruptQueueFileException | IOException e) {
                LOG.log(Level.ERROR, "{0} could not be claimed: {1}", entry.id(), e.getMessage());
            }
            forget(entry.id());
        }
    }

    /** Blocks until an email may be due or {@code max} has passed; returns at once if one is due. */
    public void awaitWork(Duration max) throws InterruptedException {
        lock.lock();
        try {
            long now = clock.millis();
            if (index.hasDue(now)) {
                return;
            }
            long waitMillis = Math.min(max.toMillis(), index.nextDueAtMillis() - now);
            if (waitMillis > 0) {
                workArrived.await(waitMillis, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting worker, for shutdown. */
    public void wakeAll() {
        lock.lock();
        try {
            workArrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void delivered(QueuedEmail email, Attempt attempt) {
        try {
            files.moveToTrash(email.withAttempt(attempt));
        } catch (IOException e) {
            LOG.log(Level.ERROR, "{0} was sent but could not be moved to the trash: {1}", email.id(), e.getMessage());
        }
        forget(email.id());
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
            forget(email.id());
            return;
        }
        lock.lock();
        try {
            index.finished(email.id());
            index.add(email.id(), email.priority(), nextAttemptAt.toEpochMilli(), clock.millis());
            workArrived.signal();
        } finally {
            lock.unlock();
        }
        LOG.log(Level.INFO, "{0} retry {1} of {2} at {3}: {4}", email.id(), updated.retryCount(),
                updated.maxRetries(), nextAttemptAt, attempt.message());
    }

    public void deadLetter(QueuedEmail email, Attempt attempt) {
        try {
            files.moveToDeadLetter(email.withAttempt(attempt));
        } catch (IOException e) {
            LOG.log(Level.ERROR, "{0} could not be dead-lettered: {1}", email.id(), e.getMessage());
        }
        forget(email.id());
        LOG.log(Level.WARNING, "{0} dead-lettered: {1}", email.id(), attempt.message());
    }

    public int maxRetries() {
        return maxRetries;
    }

    private void forget(String id) {
        lock.lock();
        try {
            index.finished(id);
        } finally {
            lock.unlock();
        }
    }
}
