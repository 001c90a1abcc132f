package dev.emailengine.queue.control;

import jakarta.ejb.ApplicationException;

/**
 * Another instance stored emails under the same idempotency key a moment ago: this request was
 * not stored, and its caller answers as for a repeat still in progress. An application exception,
 * so it reaches the caller through the {@link MailQueue} bean as itself, not wrapped.
 */
@ApplicationException
public class IdempotencyKeyTakenException extends RuntimeException {

    public IdempotencyKeyTakenException(String keyHash) {
        super("idempotency key " + keyHash.substring(0, Math.min(12, keyHash.length())) + "… was just used by another request");
    }
}
