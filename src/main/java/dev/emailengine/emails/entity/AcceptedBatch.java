package dev.emailengine.emails.entity;

import java.time.Instant;
import java.util.List;

/**
 * The 200 answer to {@code POST /emails}: one request id per queued recipient, in the order
 * given; recipients on the suppression list are not queued and are listed in {@code suppressed}
 * (always present, empty when none was).
 */
public record AcceptedBatch(List<String> requestIds, int count, String message, String status, Instant timestamp,
        List<Suppressed> suppressed) {

    /** A recipient left out because the address is on the suppression list. */
    public record Suppressed(String toEmail, String reason) {
    }

    public static AcceptedBatch queued(List<String> ids, Instant at) {
        return queued(ids, List.of(), at);
    }

    public static AcceptedBatch queued(List<String> ids, List<Suppressed> suppressed, Instant at) {
        String message = ids.size() + " emails queued for delivery"
                + (suppressed.isEmpty() ? "" : "; " + suppressed.size() + " suppressed recipient(s) skipped");
        return new AcceptedBatch(ids, ids.size(), message, "queued", at, List.copyOf(suppressed));
    }
}
