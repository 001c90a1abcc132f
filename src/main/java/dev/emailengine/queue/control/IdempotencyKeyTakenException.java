package dev.emailengine.queue.control;

/**
 * Another instance stored emails under the same idempotency key a moment ago: this request was
 * not stored, and its caller answers as for a repeat still in progress.
 */
public class IdempotencyKeyTakenException extends RuntimeException {

    public IdempotencyKeyTakenException(String keyHash) {
        super("idempotency key " + keyHash.substring(0, Math.min(12, keyHash.length())) + "… was just used by another request");
    }
}
