package dev.emailengine.queue.control;

import dev.emailengine.queue.entity.DeadLetterPage;
import dev.emailengine.queue.entity.EmailDetails;
import dev.emailengine.queue.entity.EmailState;
import dev.emailengine.queue.entity.QueueStatus;
import dev.emailengine.queue.entity.QueuedEmail;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The queue as clients and operators see it: status pages from the in-memory index, single
 * emails and dead letters read from their files. Reads only; every change goes through MailQueue.
 */
final class QueueView {

    /** Where to look, in life-cycle order; QUEUED stands for the pending file (queued or retrying). */
    private static final List<EmailState> LIFE_CYCLE = List.of(EmailState.QUEUED, EmailState.PROCESSING,
            EmailState.DEAD, EmailState.SENT, EmailState.CANCELLED);

    private final QueueIndex index;
    private final QueueFiles files;
    private final Clock clock;

    QueueView(QueueIndex index, QueueFiles files, Clock clock) {
        this.index = index;
        this.files = files;
        this.clock = clock;
    }

    /** One page of the queue, answered from memory alone. */
    QueueStatus status(int offset, int limit) {
        QueueIndex.Snapshot snapshot = index.snapshot(offset, limit, clock.millis());
        var batches = snapshot.page().stream().map(QueueView::batch).toList();
        return new QueueStatus(snapshot.total(), snapshot.total(), 1, snapshot.due(), snapshot.waiting(),
                snapshot.processing(), snapshot.deadLetters(), snapshot.sent(), offset, limit, batches);
    }

    /**
     * Everything known about one email, wherever it is; empty for an unknown (or purged) id. The
     * places are read in life-cycle order; a file moving on while we look is found at its next
     * place, or on a second pass (every move writes the new file before removing the old one).
     */
    Optional<EmailDetails> find(String id) {
        if (!EmailIds.isWellFormed(id)) {
            return Optional.empty();
        }
        for (int pass = 0; pass < 3; pass++) {
            for (EmailState place : LIFE_CYCLE) {
                Optional<QueuedEmail> email = files.find(id, place);
                if (email.isPresent()) {
                    EmailState state = place == EmailState.QUEUED && email.get().retryCount() > 0 ? EmailState.RETRYING
                            : place;
                    return Optional.of(EmailDetails.of(email.get(), state));
                }
            }
        }
        return Optional.empty();
    }

    /** Newest first; reads only the files on the page. */
    DeadLetterPage deadLetters(int offset, int limit) {
        int total = index.snapshot(0, 0, clock.millis()).deadLetters();
        List<String> page = index.deadLetterPage(offset, limit);
        var emails = page.stream().map(id -> files.find(id, EmailState.DEAD)).flatMap(Optional::stream)
                .map(e -> EmailDetails.of(e, EmailState.DEAD)).toList();
        return new DeadLetterPage(total, offset, limit, emails);
    }

    private static QueueStatus.Batch batch(QueueIndex.Listed listed) {
        QueueIndex.Entry e = listed.entry();
        boolean claimed = listed.state() == EmailState.PROCESSING;
        // The original service's words: claimable now is "pending", waiting for its time "scheduled_retry".
        String state = claimed ? "processing" : listed.due() ? "pending" : "scheduled_retry";
        return new QueueStatus.Batch(e.id(), e.id() + (claimed ? QueueFiles.PROCESSING : QueueFiles.PENDING), 1,
                state, e.priority(),
                Instant.ofEpochMilli(e.createdAtMillis()), e.retryCount(), Instant.ofEpochMilli(e.dueAtMillis()));
    }
}
