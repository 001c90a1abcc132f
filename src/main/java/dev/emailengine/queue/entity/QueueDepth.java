package dev.emailengine.queue.entity;

import java.util.List;

/**
 * How many emails are in each state, read often (every few seconds) and cheaply: from the file
 * store's in-memory index, or from PostgreSQL's partial indexes, where each figure stops counting
 * at {@link #CAP} so a huge backlog costs no more than a large one.
 *
 * @param queued due now, waiting for a worker, never tried yet
 * @param scheduled due later (a send_at in the future, or a rate limit's slot), never tried yet
 * @param retrying tried before and waiting for another attempt, due now or later
 * @param processing claimed by a worker (on PostgreSQL, by any instance)
 * @param dead dead letters
 * @param capped the figures that stopped counting (at {@link #CAP}, or derived from a count that
 *        did): at least that many; empty on the file store, which counts everything in memory
 */
public record QueueDepth(int queued, int scheduled, int retrying, int processing, long dead, List<String> capped) {

    /** Where a PostgreSQL count stops. */
    public static final int CAP = 100_000;

    public QueueDepth {
        capped = List.copyOf(capped);
    }

    /** Exact figures. */
    public QueueDepth(int queued, int scheduled, int retrying, int processing, long dead) {
        this(queued, scheduled, retrying, processing, dead, List.of());
    }
}
