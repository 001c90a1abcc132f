package dev.emailengine.queue.control;

import jakarta.ejb.ApplicationException;

/** The queue could not reach its disk or database; the email was not accepted. */
@ApplicationException
public class QueueStorageException extends RuntimeException {

    public QueueStorageException(String message) {
        super(message);
    }

    public QueueStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
