package dev.emailengine.queue.entity;

import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code GET /status}: the original's fields ({@code total_emails}, {@code total_batches},
 * {@code batch_size}, {@code batches}) plus counts by state and paging. One email per file, so a
 * "batch" is one queued email.
 */
@Schema(description = "The original's fields (total_emails, total_batches, batch_size, batches) plus counts "
        + "by state and paging. One email per file: a batch is one queued email.")
public record QueueStatus(
        int totalEmails,
        int totalBatches,
        int batchSize,
        int pending,
        int scheduledRetry,
        int processing,
        long deadLetter,
        long sent,
        int offset,
        int limit,
        List<Batch> batches) {

    /** One queue file, from the in-memory index (no disk access). */
    public record Batch(String batchId, String filename, int emailCount,
            @Schema(enumeration = {"processing", "pending", "scheduled_retry"}) String state, int priority,
            Instant createdAt, int retryCount, Instant nextAttemptAt) {
    }
}
