package dev.emailengine.queue.entity;

import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Everything known about one email: {@code GET /email/{id}} and the dead-letter listing. */
public record EmailDetails(
        String requestId,
        @Schema(enumeration = {"queued", "processing", "retrying", "sent", "dead", "cancelled"}) String state,
        String toEmail,
        String subject,
        int priority,
        Instant createdAt,
        int retryCount,
        @Schema(description = "Absent when MAX_RETRIES is unset: MAX_QUEUE_LIFETIME alone bounds the retries")
        Integer maxRetries,
        Instant nextAttemptAt,
        String lastError,
        List<Attempt> attempts) {

    public static EmailDetails of(QueuedEmail email, EmailState state) {
        boolean waiting = state == EmailState.QUEUED || state == EmailState.RETRYING;
        return new EmailDetails(email.id(), state.wireName(), email.message().toEmail(), email.message().subject(),
                email.priority(), email.createdAt(), email.retryCount(),
                email.maxRetries() == QueuedEmail.NO_RETRY_LIMIT ? null : email.maxRetries(),
                waiting ? email.nextAttemptAt() : null, email.lastError(), email.attempts());
    }
}
