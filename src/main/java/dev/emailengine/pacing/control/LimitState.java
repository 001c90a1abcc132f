package dev.emailengine.pacing.control;

import java.util.List;
import java.util.Map;

/**
 * Where the limiters are kept: in memory for one instance ({@link MemoryLimitState}, the file
 * store) or in PostgreSQL for every instance at once ({@link PgLimitState}). Both decide with
 * {@link LimitCheck}, on one instant read once every row the request touches is theirs.
 */
public interface LimitState {

    /**
     * One window of one limiter, asked for {@code cost} recipients: a per-second pace (GCRA,
     * {@code intervalMicros > 0}) or a longer window counted in buckets ({@code intervalMicros == 0}).
     *
     * @param count the window's N
     * @param lengthMicros the window's length
     */
    record Cell(String row, long cost, long count, long lengthMicros, long intervalMicros) {

        /** A per-second window (or a pace throttling set): one recipient every {@code intervalMicros}. */
        public static Cell paced(String row, long count, long intervalMicros, long cost) {
            return new Cell(row, cost, count, 1_000_000, intervalMicros);
        }

        /** A window longer than a second: at most {@code count} in any {@code lengthMicros}. */
        public static Cell counted(String row, long count, long lengthMicros, long cost) {
            return new Cell(row, cost, count, lengthMicros, 0);
        }

        public boolean paced() {
            return intervalMicros > 0;
        }

        /** The time one recipient takes at the window's average rate: how far apart postponed emails are spread. */
        public long slotMicros() {
            return paced() ? intervalMicros : (lengthMicros + count - 1) / count;
        }

        public Cell withCost(long cost) {
            return new Cell(row, cost, count, lengthMicros, intervalMicros);
        }
    }

    /** Why a request was refused: the first cell (in the request's order) that had no room, and for how long. */
    record Refusal(int cell, long waitMicros) {
    }

    /**
     * How full a cell is now.
     *
     * @param fullness the part of its window spoken for: 0 idle, 1 full (above 1 only after an
     *        email bigger than the window)
     * @param waitMicros until one more recipient may go (0: now)
     */
    record Fill(double fullness, long waitMicros) {
    }

    /**
     * Takes every cell, or none of them.
     *
     * @return null when all were taken; otherwise the first refusing cell and how long until it
     *         would allow its request (the caller asks again then)
     */
    Refusal reserve(List<Cell> cells);

    /** How full each cell's row is, by row. */
    Map<String, Fill> fill(List<Cell> cells);
}
