package dev.emailengine.pacing.control;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where the limiters' theoretical arrival times are kept: in memory for one instance
 * ({@link MemoryLimitState}, the file store) or in PostgreSQL for every instance at once
 * ({@link PgLimitState}).
 */
public interface LimitState {

    /** One window of one limiter, asked for {@code cost} recipients. */
    record Cell(String row, long intervalMicros, long burst, long cost) {
    }

    /** Why a request was refused: the first cell (in the request's order) that had no room, and for how long. */
    record Refusal(int cell, long waitMicros) {
    }

    /**
     * Takes every cell, or none of them.
     *
     * @return null when all were taken; otherwise the first refusing cell and how long until it
     *         would allow its request (the caller asks again then)
     */
    Refusal reserve(List<Cell> cells);

    /** How far each row's theoretical arrival time is ahead of now, in microseconds (0: idle). */
    Map<String, Long> backlog(Collection<String> rows);
}
