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
        List<Attempt> attempts,
        @Schema(description = "Each recipient (to, cc, bcc) and what became of it. An email is sent once every "
                + "recipient is finished and at least one accepted it; refused ones show here.")
        List<RecipientOutcome> recipients) {

    /** One recipient's outcome as the API shows it. */
    public record RecipientOutcome(
            String address,
            @Schema(enumeration = {"to", "cc", "bcc"}) String kind,
            @Schema(enumeration = {"pending", "sent", "bounced", "failed", "throttled", "deferred"}) String state,
            @Schema(description = "The server's last reply about this recipient") String reply,
            @Schema(description = "RFC 3463 enhanced status code of that reply", example = "5.1.1")
            String enhancedStatus,
            Instant updatedAt) {

        static RecipientOutcome of(Recipient r) {
            return new RecipientOutcome(r.address(), r.kind().wireName(), r.state().wireName(), r.reply(),
                    r.enhancedStatus(), r.updatedAt());
        }
    }

    public static EmailDetails of(QueuedEmail email, EmailState state) {
        boolean waiting = state == EmailState.QUEUED || state == EmailState.RETRYING;
        return new EmailDetails(email.id(), state.wireName(), email.message().toEmail(), email.message().subject(),
                email.priority(), email.createdAt(), email.retryCount(),
                email.maxRetries() == QueuedEmail.NO_RETRY_LIMIT ? null : email.maxRetries(),
                waiting ? email.nextAttemptAt() : null, email.lastError(), email.attempts(),
                email.recipientOutcomes().stream().map(RecipientOutcome::of).toList());
    }
}
