package dev.emailengine.emails.entity;

import java.time.Instant;

/** The 200 answer to {@code POST /email}: given only once the email is durable on disk. */
public record AcceptedEmail(String requestId, String message, String status, Instant timestamp) {

    public static AcceptedEmail queued(String id, Instant at) {
        return new AcceptedEmail(id, "Email queued for delivery", "queued", at);
    }
}
