package dev.emailengine.webhooks.control;

import jakarta.ejb.ApplicationException;

/** Endpoints or the outbox could not be read or changed (a failing disk, a database that does not answer). */
@ApplicationException
public class WebhookStorageException extends RuntimeException {

    public WebhookStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
