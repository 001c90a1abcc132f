package dev.emailengine.queue.entity;

import java.time.Instant;
import java.util.List;

/**
 * What an {@code Idempotency-Key} was first used for: the hash of the key (scoped by the caller's
 * API key), the hash of the request it came with, and the emails it queued. A repeat's answer is
 * rebuilt from {@code ids} and {@code createdAt}, so it matches the first one exactly.
 */
public record IdempotencyRecord(String keyHash, String requestHash, Instant createdAt, List<String> ids) {

    public IdempotencyRecord {
        ids = ids == null ? List.of() : List.copyOf(ids);
    }

    /** The key and request of a request about to be queued; {@code ids} and time come with the emails. */
    public record Claim(String keyHash, String requestHash) {
    }
}
