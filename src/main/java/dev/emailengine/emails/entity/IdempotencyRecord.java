package dev.emailengine.emails.entity;

import java.time.Instant;

/** The first answer given for an Idempotency-Key, kept so a repeat gets exactly the same answer. */
public record IdempotencyRecord(String key, String requestHash, Instant createdAt, String response) {
}
