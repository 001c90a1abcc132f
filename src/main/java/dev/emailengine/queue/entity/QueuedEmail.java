package dev.emailengine.queue.entity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The content of one queue file. {@code version} lets a later release read what an earlier one
 * wrote; files with an unknown version are moved aside, never guessed at.
 */
public record QueuedEmail(
        int version,
        String id,
        int priority,
        Instant createdAt,
        int retryCount,
        int maxRetries,
        Instant nextAttemptAt,
        EmailMessage message,
        String templateName,
        List<Attempt> attempts) {

    public static final int CURRENT_VERSION = 1;

    /**
     * {@code maxRetries} when MAX_RETRIES is unset. The largest int rather than a negative marker
     * so that an older release reading the file still retries the email instead of giving up.
     */
    public static final int NO_RETRY_LIMIT = Integer.MAX_VALUE;

    public QueuedEmail {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    public static QueuedEmail accept(String id, int priority, Instant now, int maxRetries,
            EmailMessage message, String templateName) {
        return new QueuedEmail(CURRENT_VERSION, id, priority, now, 0, maxRetries, now, message, templateName,
                List.of());
    }

    /** Not to be sent before {@code at} (a client's send_at). */
    public QueuedEmail dueAt(Instant at) {
        return new QueuedEmail(version, id, priority, createdAt, retryCount, maxRetries, at, message, templateName,
                attempts);
    }

    public QueuedEmail withAttempt(Attempt attempt) {
        var all = new ArrayList<>(attempts);
        all.add(attempt);
        return new QueuedEmail(version, id, priority, createdAt, retryCount, maxRetries, nextAttemptAt, message,
                templateName, all);
    }

    /** A dead letter sent back by an operator: a new retry budget, due now, history kept. */
    public QueuedEmail requeued(Instant now) {
        return new QueuedEmail(version, id, priority, createdAt, 0, maxRetries, now, message, templateName, attempts);
    }

    /** The message of the most recent failed attempt, or null. */
    public String lastError() {
        for (int i = attempts.size() - 1; i >= 0; i--) {
            if (attempts.get(i).outcome() != Attempt.Outcome.SENT) {
                return attempts.get(i).message();
            }
        }
        return null;
    }

    /** Records a transient failure and when the next try may happen. */
    public QueuedEmail withRetry(Attempt attempt, Instant next) {
        var all = new ArrayList<>(attempts);
        all.add(attempt);
        return new QueuedEmail(version, id, priority, createdAt, retryCount + 1, maxRetries, next, message,
                templateName, all);
    }
}
