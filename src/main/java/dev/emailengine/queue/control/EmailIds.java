package dev.emailengine.queue.control;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ids in the original's shape, {@code batch_<epoch ms>_<8 hex>}. The suffix is a counter that
 * starts at a random value, so two ids from one process never collide even within a millisecond,
 * and ids sort by arrival; a restart takes longer than a millisecond, so a new process cannot
 * reuse an old (millisecond, counter) pair either.
 */
public class EmailIds {

    private final AtomicInteger counter = new AtomicInteger(new SecureRandom().nextInt());

    public String next(long epochMillis) {
        return String.format("batch_%013d_%08x", epochMillis, counter.getAndIncrement());
    }

    /** The only shape accepted from outside, so an id can be used in a file name without risk. */
    public static boolean isWellFormed(String id) {
        return id != null && id.matches("batch_[0-9]{13}_[0-9a-f]{8}");
    }
}
