package dev.emailengine.queue.control;

import dev.emailengine.platform.Fsync;
import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.ClusterActivity;
import dev.emailengine.queue.entity.DeadLetterPage;
import dev.emailengine.queue.entity.EmailDetails;
import dev.emailengine.queue.entity.EmailEvent;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.IdempotencyRecord;
import dev.emailengine.queue.entity.QueueDepth;
import dev.emailengine.queue.entity.QueueStatus;
import dev.emailengine.queue.entity.QueuedEmail;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The queue's life cycle, in front of the store that keeps it ({@link QueueStore}, chosen by
 * {@code QUEUE_STORE}): new emails get their ids and retry budget here, every state change is
 * logged with the email's id and counted, and the store makes it durable. Concurrency is
 * bean-managed because the container's default write lock would serialise every enqueue behind
 * one disk sync; the store is safe for concurrent callers.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class MailQueue {

    private static final System.Logger LOG = System.getLogger(MailQueue.class.getName());

    @Inject
    @ConfigProperty(name = "queue.store", defaultValue = "file")
    String storeKind;

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
    @ConfigProperty(name = "min.free.disk.mb", defaultValue = "100")
    long minFreeDiskMb;

    @Inject
    @ConfigProperty(name = "lease.timeout", defaultValue = "5m")
    String leaseTimeout;

    @Inject
    @ConfigProperty(name = "instance.name")
    Optional<String> instanceName;

    /** Intake and cancels, for whoever watches (metrics); null outside a container. */
    @Inject
    Event<EmailEvent> events;

    // No field initialisers: the CDI container builds a proxy of this bean, running the
    // constructor, wherever it is injected (per request in a request-scoped resource), and a
    // SecureRandom seeded there cost more than the rest of an enqueue. Tests set these fields.
    Clock clock;
    Fsync fsync;

    private EmailIds ids;
    private QueueStore store;

    @PostConstruct
    void start() {
        clock = clock == null ? Clock.systemUTC() : clock;
        fsync = fsync == null ? new Fsync() : fsync;
        ids = new EmailIds();
        Duration ttl = Durations.parse("IDEMPOTENCY_TTL", idempotencyTtl == null ? "24h" : idempotencyTtl);
        String kind = storeKind == null ? "file" : storeKind.strip().toLowerCase(Locale.ROOT);
        store = switch (kind) {
            case "file" -> new FileQueueStore(Path.of(dataDir), fsync, new FollowingClock(), ttl,
                    idempotencyCacheSize > 0 ? idempotencyCacheSize : 10_000, minFreeDiskMb);
            case "postgresql" -> new PgQueueStore(PgQueueStore.lookUpDataSource(), new FollowingClock(),
                    PgQueueStore.instanceName(instanceName), Durations.parse("LEASE_TIMEOUT", leaseTimeout), ttl);
            default -> throw new IllegalStateException("QUEUE_STORE=" + storeKind + " is not a queue store this"
                    + " release has: use QUEUE_STORE=file (the default) or QUEUE_STORE=postgresql");
        };
        LOG.log(Level.INFO, "the queue is kept in {0}", store.description());
    }

    /** After the dispatcher (it depends on this bean), so no worker uses the store any more. */
    @PreDestroy
    void stop() {
        store.close();
    }

    /** The store reads the time through this, so a test that moves {@link #clock} moves the store's too. */
    private final class FollowingClock extends Clock {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return clock.withZone(zone);
        }

        @Override
        public Instant instant() {
            return clock.instant();
        }
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
     * emails, so no crash can keep one without the other.
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
        store.store(emails, record);
        fire(new EmailEvent.Accepted(emails.size()));
        for (QueuedEmail email : emails) {
            if (due.isAfter(now)) {
                LOG.log(Level.INFO, "{0} queued, priority {1}, not before {2}", email.id(), priority, due);
            } else {
                LOG.log(Level.INFO, "{0} queued, priority {1}", email.id(), priority);
            }
        }
        return emails;
    }

    /** Withdraws an email no worker has claimed. */
    public QueueStore.Cancellation cancel(String id) {
        QueueStore.Cancellation outcome = store.cancel(id);
        if (outcome == QueueStore.Cancellation.CANCELLED) {
            fire(new EmailEvent.Cancelled(id));
        }
        return outcome;
    }

    /** The best due email, owned by the caller until it reports back. */
    public Optional<QueuedEmail> claimNext() {
        return store.claimNext();
    }

    /** Blocks until an email may be due or {@code max} has passed; returns at once if one is due. */
    public void awaitWork(Duration max) throws InterruptedException {
        store.awaitWork(max);
    }

    /** Wakes every waiting worker, for shutdown. */
    public void wakeAll() {
        store.wakeAll();
    }

    public void delivered(QueuedEmail email, Attempt attempt) {
        store.delivered(email.withAttempt(attempt));
    }

    /** Puts the email back, due at {@code nextAttemptAt}; the caller has checked the retry budget. */
    public void retryLater(QueuedEmail email, Attempt attempt, Instant nextAttemptAt) {
        QueuedEmail updated = email.withRetry(attempt, nextAttemptAt);
        store.retryLater(updated);
        if (updated.maxRetries() == QueuedEmail.NO_RETRY_LIMIT) {
            LOG.log(Level.INFO, "{0} retry {1} at {2}: {3}", email.id(), updated.retryCount(), nextAttemptAt,
                    attempt.message());
        } else {
            LOG.log(Level.INFO, "{0} retry {1} of {2} at {3}: {4}", email.id(), updated.retryCount(),
                    updated.maxRetries(), nextAttemptAt, attempt.message());
        }
    }

    /**
     * Puts the email back, due at {@code nextAttemptAt}, without spending a retry: the server slowed
     * us down ({@code 421}, {@code 4.7.x}). The attempt is recorded; the retry count stays.
     */
    public void throttled(QueuedEmail email, Attempt attempt, Instant nextAttemptAt) {
        store.retryLater(email.withAttempt(attempt).dueAt(nextAttemptAt));
        LOG.log(Level.INFO, "{0} throttled, again at {1} (no retry spent): {2}", email.id(), nextAttemptAt,
                attempt.message());
    }

    /** Returns a claimed email untouched (the SMTP server is out; the email did nothing wrong). */
    public void defer(QueuedEmail email) {
        store.defer(email);
    }

    /** Returns a claimed email untouched, claimable from {@code until} (a rate limit has no room for it before). */
    public void postpone(QueuedEmail email, Instant until) {
        store.postpone(email, until);
        LOG.log(Level.DEBUG, "{0} postponed to {1} by a rate limit", email.id(), until);
    }

    public void deadLetter(QueuedEmail email, Attempt attempt) {
        if (store.deadLetter(email.withAttempt(attempt))) {
            LOG.log(Level.WARNING, "{0} dead-lettered after {1} attempt(s): {2}", email.id(),
                    email.attempts().size() + 1, attempt.message());
        }
    }

    /** One page of the queue. */
    public QueueStatus status(int offset, int limit) {
        return store.status(offset, limit);
    }

    /** See {@link QueueStore#depth()}: counts by state, cheap enough to sample every few seconds. */
    public QueueDepth depth() {
        return store.depth();
    }

    /** See {@link QueueStore#activity}: the instances sharing the store; empty on files. */
    public Optional<ClusterActivity> activity(Instant since) {
        return store.activity(since);
    }

    /** Everything known about one email, wherever it is; empty for an unknown (or purged) id. */
    public Optional<EmailDetails> find(String id) {
        return store.find(id);
    }

    /** Newest first. */
    public DeadLetterPage deadLetters(int offset, int limit) {
        return store.deadLetters(offset, limit);
    }

    /** Sends a dead letter back to the queue with a fresh retry budget; false if there is no such dead letter. */
    public boolean requeueDeadLetter(String id) {
        boolean requeued = store.requeueDeadLetter(id).isPresent();
        if (requeued) {
            LOG.log(Level.INFO, "{0} requeued from the dead letters", id);
        }
        return requeued;
    }

    /** @return how many dead letters went back to the queue */
    public int requeueAllDeadLetters() {
        int requeued = 0;
        for (String id : store.deadLetterIds()) {
            if (requeueDeadLetter(id)) {
                requeued++;
            }
        }
        return requeued;
    }

    /** See {@link QueueStore#database()}: PostgreSQL when the queue is kept there, for state every instance shares. */
    public Optional<DataSource> database() {
        return store.database();
    }

    /** The store's upkeep (see {@link QueueStore#maintain}); every few seconds. */
    public void maintain() {
        store.maintain();
    }

    /** Deletes sent and cancelled emails finished longer than {@code retention} ago. */
    public int purgeTrash(Duration retention) {
        return store.purgeFinished(retention);
    }

    /**
     * The unexpired idempotency record of a (scoped) key hash; its ids are read only when the
     * record is of {@code requestHash} (a repeat to answer), not for a mismatch.
     */
    public Optional<IdempotencyRecord> idempotencyRecord(String keyHash, String requestHash) {
        return store.idempotencyRecord(keyHash, requestHash);
    }

    /** Deletes idempotency records older than IDEMPOTENCY_TTL. */
    public int purgeIdempotencyRecords() {
        return store.purgeIdempotencyRecords();
    }

    public Duration idempotencyTtl() {
        return store.idempotencyTtl();
    }

    private void fire(EmailEvent event) {
        if (events != null) {
            events.fire(event);
        }
    }

    /** Empty while the queue can take more mail; otherwise why not (for health checks). */
    public Optional<String> storageProblem() {
        return store.problem();
    }
}
