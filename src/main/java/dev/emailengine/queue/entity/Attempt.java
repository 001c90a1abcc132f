package dev.emailengine.queue.entity;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One delivery attempt (one SMTP transaction) as recorded in the email's file; {@code smtpCode}
 * is null when no reply was received, {@code enhancedStatus} (RFC 3463, {@code 5.1.1}) when the
 * reply had none. Each recipient's own reply is in the email's recipients.
 */
public record Attempt(Instant at, Outcome outcome, Integer smtpCode, String message,
        @Schema(description = "RFC 3463 enhanced status code of the reply (5.1.1), when the server sent one",
                example = "4.7.1") String enhancedStatus) {

    public enum Outcome {
        SENT,
        TRANSIENT_FAILURE,
        PERMANENT_FAILURE,
        /** The server slowed us down: the email went back without spending a retry. */
        THROTTLED
    }
}
