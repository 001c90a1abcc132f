package dev.emailengine.queue.control;

import dev.emailengine.queue.entity.ClusterActivity;
import dev.emailengine.queue.entity.DeadLetterPage;
import dev.emailengine.queue.entity.EmailDetails;
import dev.emailengine.queue.entity.IdempotencyRecord;
import dev.emailengine.queue.entity.QueueDepth;
import dev.emailengine.queue.entity.QueueStatus;
import dev.emailengine.queue.entity.QueuedEmail;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Where the queue keeps its emails: the seam between the queue's life cycle ({@link MailQueue})
 * and its persistence. Every implementation passes the same contract tests
 * ({@code QueueStoreContract}); the file store ({@link FileQueueStore}) is the embedded default.
 * <p>
 * The promises every store keeps:
 * <ul>
 * <li>{@link #store} is durable when it returns and all or nothing; when it throws, nothing of
 * the request was stored and nothing will be sent.</li>
 * <li>{@link #claimNext} hands each email to one caller only, the due email of the best priority
 * first, first in first out within a priority; the caller reports back with exactly one of
 * {@link #delivered}, {@link #retryLater}, {@link #defer} or {@link #deadLetter}.</li>
 * <li>After a crash, a claimed email that was not reported back is claimable again at start-up
 * (at least once), and nothing that was finished (sent, dead, cancelled) comes back.</li>
 * <li>Requeueing a dead letter and cancelling are exclusive: concurrent callers cannot both win,
 * and neither can a cancel and a claim.</li>
 * </ul>
 */
public interface QueueStore {

    /** What became of a cancel request. */
    enum Cancellation {
        CANCELLED, ALREADY_CANCELLED, NOT_FOUND, TOO_LATE
    }

    /**
     * Stores new emails durably, with the idempotency record of the request that queued them (or
     * null) in the same durable write, then makes them claimable from their {@code nextAttemptAt}.
     *
     * @throws QueueStorageException when they could not be stored; then none of them was
     */
    void store(List<QueuedEmail> emails, IdempotencyRecord idempotency);

    /** The best due email, now held by the caller until it reports back; empty when none is due. */
    Optional<QueuedEmail> claimNext();

    /** Blocks until an email may be due or {@code max} has passed; returns at once if one is due. */
    void awaitWork(Duration max) throws InterruptedException;

    /** Wakes every caller blocked in {@link #awaitWork}, for shutdown. */
    void wakeAll();

    /** A claimed email was accepted by the SMTP server; {@code sent} carries the final attempt. */
    void delivered(QueuedEmail sent);

    /** A claimed email goes back, due at its {@code nextAttemptAt}, with the failed attempt recorded. */
    void retryLater(QueuedEmail updated);

    /** A claimed email goes back untouched (the SMTP server is out; the email did nothing wrong). */
    void defer(QueuedEmail email);

    /**
     * A claimed email goes back untouched, not claimable before {@code until} (a rate limit has
     * no room for it yet): no attempt is recorded or spent, and other emails stay claimable. The
     * new due time may be kept in memory only; after a restart the email is due at once, and the
     * rate limit holds it back again.
     */
    void postpone(QueuedEmail email, java.time.Instant until);

    /** A claimed email is given up; {@code dead} carries the last attempt. False if it could not be. */
    boolean deadLetter(QueuedEmail dead);

    /** Withdraws an email no one has claimed; afterwards no claim can return it. */
    Cancellation cancel(String id);

    /** A dead letter back in the queue with a fresh retry budget, once, however many callers ask. */
    Optional<QueuedEmail> requeueDeadLetter(String id);

    /** The ids of every dead letter, for a requeue of them all. */
    List<String> deadLetterIds();

    QueueStatus status(int offset, int limit);

    /**
     * The counts of {@link #status} without the page and without counting what was ever sent:
     * cheap enough to sample every few seconds (the dashboard does). A store whose status counts
     * come from memory needs nothing more.
     */
    default QueueDepth depth() {
        QueueStatus counts = status(0, 0);
        return new QueueDepth(counts.pending(), counts.scheduledRetry(), 0, counts.processing(), counts.deadLetter());
    }

    /**
     * What the instances sharing this store are doing, and what they finished after {@code since};
     * empty for a store only this instance uses (files).
     */
    default Optional<ClusterActivity> activity(Instant since) {
        return Optional.empty();
    }

    /** Everything known about one email, wherever it is; empty for an unknown (or purged) id. */
    Optional<EmailDetails> find(String id);

    /** Newest first. */
    DeadLetterPage deadLetters(int offset, int limit);

    /** Deletes sent and cancelled emails finished longer than {@code retention} ago; returns how many sent went. */
    int purgeFinished(Duration retention);

    /** The unexpired record of a key hash; its ids are read only when it is a record of {@code requestHash}. */
    Optional<IdempotencyRecord> idempotencyRecord(String keyHash, String requestHash);

    /** Deletes idempotency records older than their time to live; returns how many. */
    int purgeIdempotencyRecords();

    Duration idempotencyTtl();

    /** Empty while the store can take more mail; otherwise why not (for health checks). */
    Optional<String> problem();

    /** Where the queue is kept, for the start-up log. */
    String description();

    /**
     * Upkeep while the application runs, called every few seconds by one thread: the PostgreSQL
     * store writes outcomes kept through a database outage and renews its leases.
     */
    default void maintain() {
    }

    /**
     * The PostgreSQL database this store keeps the queue in, with the schema applied, for the
     * components that share the queue's state across instances (suppression list, rate limits);
     * empty for a store that has none (files).
     *
     * @throws QueueStorageException while the database does not answer
     */
    default Optional<DataSource> database() {
        return Optional.empty();
    }

    /** Lets go of what the store holds open (the application stops); nothing is lost by not calling it. */
    default void close() {
    }
}
