package dev.emailengine.queue.entity;

import java.time.Instant;

/** One delivery attempt as recorded in the email's file; {@code smtpCode} is null when none was received. */
public record Attempt(Instant at, Outcome outcome, Integer smtpCode, String message) {

    public enum Outcome {
        SENT, TRANSIENT_FAILURE, PERMANENT_FAILURE
    }
}
