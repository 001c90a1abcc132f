package dev.emailengine.webhooks.entity;

import java.time.Instant;

/**
 * One event as it goes out: its id ({@code webhook-id}), type, and the payload bytes, serialised
 * once when the event happened and signed anew for each attempt.
 */
public record WebhookEvent(String id, String type, Instant createdAt, byte[] payload) {
}
