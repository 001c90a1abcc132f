package dev.emailengine.queue.entity;

/**
 * How many emails are in each state, read often (every few seconds) and cheaply: from the file
 * store's in-memory index, or from PostgreSQL's partial indexes, where each figure stops counting
 * at {@link #CAP} so a huge backlog costs no more than a large one.
 *
 * @param queued due now, waiting for a worker
 * @param scheduled due later: a send_at in the future, or a retry's back-off
 * @param processing claimed by a worker (on PostgreSQL, by any instance)
 * @param dead dead letters
 */
public record QueueDepth(int queued, int scheduled, int processing, long dead) {

    /** Where a PostgreSQL count stops: a figure equal to it means at least that many. */
    public static final int CAP = 100_000;
}
