package dev.emailengine.queue.entity;

/** The answer to sending dead letters back to the queue: one ({@code request_id}) or all ({@code requeued}). */
public record Requeued(String requestId, String status, Integer requeued, String message) {

    public static Requeued one(String id) {
        return new Requeued(id, "queued", null, "Dead letter requeued with a fresh retry budget");
    }

    public static Requeued all(int count) {
        return new Requeued(null, null, count, count + " dead letter(s) requeued");
    }
}
