package dev.emailengine.queue.entity;

import java.util.List;

/** {@code GET /dead-letter}: newest first. */
public record DeadLetterPage(long total, int offset, int limit, List<EmailDetails> emails) {
}
