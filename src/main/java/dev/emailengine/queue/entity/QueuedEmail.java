package dev.emailengine.queue.entity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The content of one queue file. {@code version} lets a later release read what an earlier one
 * wrote; files with an unknown version are moved aside, never guessed at. A record is written in
 * the lowest version that can hold it: 1, or {@link #THROTTLING_VERSION} once it has a throttled
 * attempt, which the release before throttling cannot read (on PostgreSQL it then leaves the
 * email for an instance of this release rather than calling it corrupt). {@code recipients}
 * holds each recipient's outcome once the email has been tried; it is empty before (and in files
 * of earlier releases), every recipient then being pending ({@link #recipientOutcomes()}).
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
        List<Attempt> attempts,
        List<Recipient> recipients) {

    /** The newest version this release reads. */
    public static final int CURRENT_VERSION = 2;
    /** Records with a {@code THROTTLED} attempt, unknown to the releases before it. */
    public static final int THROTTLING_VERSION = 2;
    private static final int FIRST_VERSION = 1;

    /**
     * {@code maxRetries} when MAX_RETRIES is unset. The largest int rather than a negative marker
     * so that an older release reading the file still retries the email instead of giving up.
     */
    public static final int NO_RETRY_LIMIT = Integer.MAX_VALUE;

    public QueuedEmail {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
        if (version < THROTTLING_VERSION && attempts.stream().anyMatch(a -> a.outcome() == Attempt.Outcome.THROTTLED)) {
            version = THROTTLING_VERSION;
        }
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
    }

    public static QueuedEmail accept(String id, int priority, Instant now, int maxRetries,
            EmailMessage message, String templateName) {
        return new QueuedEmail(FIRST_VERSION, id, priority, now, 0, maxRetries, now, message, templateName,
                List.of(), List.of());
    }

    /** Not to be sent before {@code at} (a client's send_at, or the end of a throttling pause). */
    public QueuedEmail dueAt(Instant at) {
        return new QueuedEmail(version, id, priority, createdAt, retryCount, maxRetries, at, message, templateName,
                attempts, recipients);
    }

    /** Throttled attempts in a row are kept as one entry ({@link Attempt#followedBy}), so the history stays bounded. */
    public QueuedEmail withAttempt(Attempt attempt) {
        var all = new ArrayList<>(attempts);
        Attempt last = all.isEmpty() ? null : all.get(all.size() - 1);
        if (last != null && last.foldsWith(attempt)) {
            all.set(all.size() - 1, last.followedBy(attempt));
        } else {
            all.add(attempt);
        }
        return new QueuedEmail(version, id, priority, createdAt, retryCount, maxRetries, nextAttemptAt, message,
                templateName, all, recipients);
    }

    public QueuedEmail withRecipients(List<Recipient> outcomes) {
        return new QueuedEmail(version, id, priority, createdAt, retryCount, maxRetries, nextAttemptAt, message,
                templateName, attempts, outcomes);
    }

    /**
     * A dead letter sent back by an operator: a new retry budget, due now, history kept. Every
     * recipient that failed or was still waiting is tried again; those that got it are not, nor
     * those that bounced: the address does not exist (and is on the suppression list), so mailing
     * it again only hurts the sender's reputation.
     */
    public QueuedEmail requeued(Instant now) {
        List<Recipient> again = recipients.stream()
                .map(r -> r.state() == Recipient.State.SENT || r.state() == Recipient.State.BOUNCED ? r
                        : r.with(Recipient.State.PENDING, r.reply(), r.enhancedStatus(), now))
                .toList();
        return new QueuedEmail(version, id, priority, createdAt, 0, maxRetries, now, message, templateName, attempts,
                again);
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
                templateName, all, recipients);
    }

    /**
     * Every recipient with its outcome: the recorded ones, or, before the first attempt, to, cc and
     * bcc as the message names them, all pending. An address named twice is one recipient.
     */
    public List<Recipient> recipientOutcomes() {
        if (!recipients.isEmpty()) {
            return recipients;
        }
        var outcomes = new ArrayList<Recipient>();
        Set<String> seen = new LinkedHashSet<>();
        add(outcomes, seen, List.of(message.toEmail()), Recipient.Kind.TO);
        add(outcomes, seen, message.cc(), Recipient.Kind.CC);
        add(outcomes, seen, message.bcc(), Recipient.Kind.BCC);
        return outcomes;
    }

    private static void add(List<Recipient> outcomes, Set<String> seen, List<String> addresses, Recipient.Kind kind) {
        for (String address : addresses) {
            if (address != null && seen.add(Recipient.key(address))) {
                outcomes.add(Recipient.pending(address, kind));
            }
        }
    }

    /** The addresses still to send to: the SMTP envelope of the next attempt. */
    public List<String> unfinishedAddresses() {
        return recipientOutcomes().stream().filter(r -> !r.state().finished()).map(Recipient::address).toList();
    }
}
