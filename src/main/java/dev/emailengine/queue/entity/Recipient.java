package dev.emailengine.queue.entity;

import dev.emailengine.platform.Mailboxes;
import java.time.Instant;
import java.util.Locale;

/**
 * One recipient of an email and what became of it: each is sent to (or refused) on its own, so
 * one refused cc does not fail the email for the others, and one accepted is never sent the same
 * email again. {@code reply} is the server's last reply about it, {@code enhancedStatus} its RFC
 * 3463 code; both null while nothing was tried.
 */
public record Recipient(String address, Kind kind, State state, String reply, String enhancedStatus,
        Instant updatedAt) {

    public enum Kind {
        TO, CC, BCC;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum State {
        /** Not tried yet. */
        PENDING,
        /** Accepted by the SMTP server: never sent again. */
        SENT,
        /** Refused for good as an address ({@code 5.1.x}): a hard bounce. */
        BOUNCED,
        /** Refused for good otherwise (another 5xx, {@code 5.7.x} policy), or given up after its retries. */
        FAILED,
        /** The server slowed us down; tried again without spending a retry. */
        THROTTLED,
        /** A transient reply ({@code 4.x.x}); tried again after a backoff. */
        DEFERRED;

        /** Nothing more will be tried for a recipient in this state. */
        public boolean finished() {
            return this == SENT || this == BOUNCED || this == FAILED;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static Recipient pending(String address, Kind kind) {
        return new Recipient(address, kind, State.PENDING, null, null, null);
    }

    public Recipient with(State newState, String newReply, String newEnhancedStatus, Instant at) {
        return new Recipient(address, kind, newState, newReply, newEnhancedStatus, at);
    }

    /**
     * The mailbox a recipient is known by, whatever display name the client gave it
     * ({@code Ada <ada@example.com>}): the transport reports accepted and refused recipients by
     * their bare address. SMTP compares the domain without regard to case; the local part is the
     * server's business, so exactly.
     */
    public static String key(String address) {
        return Mailboxes.key(address);
    }
}
