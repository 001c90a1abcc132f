package dev.emailengine.queue.entity;

/** Where an email's file is, which is what state it is in. */
public enum Location {
    PENDING, PROCESSING, TRASH, DEAD_LETTER, CANCELLED
}
