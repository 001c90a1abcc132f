package dev.emailengine.queue.control;

/** A queue file that cannot be delivered as written; it is moved aside with this reason. */
public class CorruptQueueFileException extends RuntimeException {

    public CorruptQueueFileException(String reason) {
        super(reason);
    }
}
