package dev.emailengine.emails.entity;

import java.time.Instant;
import java.util.List;

/** The 200 answer to {@code POST /emails}: one request id per recipient, in the order given. */
public record AcceptedBatch(List<String> requestIds, int count, String message, String status, Instant timestamp) {

    public static AcceptedBatch queued(List<String> ids, Instant at) {
        return new AcceptedBatch(ids, ids.size(), ids.size() + " emails queued for delivery", "queued", at);
    }
}
