package dev.emailengine.queue.entity;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One delivery attempt (one SMTP transaction) as recorded in the email's file; {@code smtpCode}
 * is null when no reply was received, {@code enhancedStatus} (RFC 3463, {@code 5.1.1}) when the
 * reply had none. Each recipient's own reply is in the email's recipients.
 * <p>
 * Throttled attempts in a row are kept as one entry ({@link #followedBy}): a server that throttles
 * an email for its whole lifetime would otherwise grow its record by thousands of attempts, each
 * rewritten with the record. {@code count} says how many it stands for and {@code firstAt} when
 * the first was, both null for a single attempt; the rest is the latest one's.
 */
public record Attempt(Instant at, Outcome outcome, Integer smtpCode, String message,
        @Schema(description = "RFC 3463 enhanced status code of the reply (5.1.1), when the server sent one",
                example = "4.7.1") String enhancedStatus,
        @Schema(description = "How many throttled attempts in a row this entry stands for, when more than one;"
                + " the reply and at are the latest one's", example = "12") Integer count,
        @Schema(description = "When the first of these throttled attempts was, when count is present")
        Instant firstAt) {

    public enum Outcome {
        SENT,
        TRANSIENT_FAILURE,
        PERMANENT_FAILURE,
        /** The server slowed us down: the email went back without spending a retry. */
        THROTTLED
    }

    public Attempt(Instant at, Outcome outcome, Integer smtpCode, String message, String enhancedStatus) {
        this(at, outcome, smtpCode, message, enhancedStatus, null, null);
    }

    /** How many attempts this entry stands for. */
    public int times() {
        return count == null ? 1 : count;
    }

    /** When the first attempt this entry stands for was. */
    public Instant since() {
        return firstAt == null ? at : firstAt;
    }

    /** Whether {@code next}, the attempt after this one, is folded into it rather than kept apart. */
    public boolean foldsWith(Attempt next) {
        return outcome == Outcome.THROTTLED && next.outcome() == Outcome.THROTTLED;
    }

    /** This entry and the throttled attempt after it as one: the latest reply, the first time, the count of both. */
    public Attempt followedBy(Attempt next) {
        return new Attempt(next.at(), next.outcome(), next.smtpCode(), next.message(), next.enhancedStatus(),
                times() + next.times(), since());
    }
}
