package dev.emailengine.queue.control;

/** A queue file that cannot be delivered as written; it is moved aside with this reason. */
public class CorruptQueueFileException extends RuntimeException {

    private final boolean newerFormat;

    public CorruptQueueFileException(String reason) {
        this(reason, false);
    }

    public CorruptQueueFileException(String reason, boolean newerFormat) {
        super(reason);
        this.newerFormat = newerFormat;
    }

    /** Written by a newer release in a format this one does not know: not broken, just not ours to read. */
    public boolean newerFormat() {
        return newerFormat;
    }
}
