package dev.emailengine.queue.entity;

import java.util.Locale;

/** An email's state as the API reports it ({@code GET /email/{id}}). */
public enum EmailState {
    /** Waiting for its first attempt. */
    QUEUED,
    /** A worker holds it right now. */
    PROCESSING,
    /** Failed transiently; waits for its next attempt. */
    RETRYING,
    /** Accepted by the SMTP server. */
    SENT,
    /** Given up on: in the dead letters. */
    DEAD,
    /** Withdrawn by the client before a worker claimed it; never sent. */
    CANCELLED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
