package dev.emailengine.suppressions.control;

import jakarta.ejb.ApplicationException;

/** The suppression list could not be read or changed (a failing disk, a database that does not answer). */
@ApplicationException
public class SuppressionStorageException extends RuntimeException {

    public SuppressionStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
