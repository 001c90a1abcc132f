package dev.emailengine.pacing.control;

import dev.emailengine.pacing.control.LimitState.Cell;
import dev.emailengine.pacing.control.LimitState.Fill;
import dev.emailengine.pacing.control.LimitState.Refusal;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The decision both stores make once the rows a request touches are theirs (a lock in memory,
 * row locks in PostgreSQL) and the time is read: every cell checked first, then all taken, so a
 * refusal leaves nothing taken. Per-second cells are {@link Gcra}, longer ones {@link SlidingCount}.
 */
final class LimitCheck {

    /** A store's rows as the check reads them. */
    interface Rows {
        /** A per-second row's theoretical arrival time; 0 for a row never used (idle since ever). */
        long tat(String row);

        /** A longer window's buckets, oldest first (empty for a row never used). */
        NavigableMap<Long, Long> buckets(String row);
    }

    static final NavigableMap<Long, Long> NO_BUCKETS = Collections.unmodifiableNavigableMap(new TreeMap<>());

    private LimitCheck() {
    }

    /**
     * The cell that keeps the request waiting longest, or null when every cell has room now: no
     * request can go before its longest wait is over, so asking again sooner is for nothing.
     */
    static Refusal check(List<Cell> cells, long now, Rows rows) {
        Refusal longest = null;
        for (int i = 0; i < cells.size(); i++) {
            long wait = waitFor(cells.get(i), now, rows);
            if (wait > 0 && (longest == null || wait > longest.waitMicros())) {
                longest = new Refusal(i, wait);
            }
        }
        return longest;
    }

    static long waitFor(Cell cell, long now, Rows rows) {
        return cell.paced() ? Gcra.waitFor(rows.tat(cell.row()), now, cell.cost(), cell.intervalMicros())
                : SlidingCount.waitFor(rows.buckets(cell.row()), now, cell.count(), cell.lengthMicros(), cell.cost());
    }

    /** A per-second row's time once the cell (which has room) is taken. */
    static long takenTat(Cell cell, long now) {
        return now + cell.cost() * cell.intervalMicros();
    }

    /** How full a cell's row is now, for one more recipient. */
    static Fill fill(Cell cell, long now, Rows rows) {
        Cell one = cell.withCost(1);
        long wait = waitFor(one, now, rows);
        if (cell.paced()) {
            long ahead = Math.max(0, rows.tat(cell.row()) - now);
            return new Fill(ahead / (double) (cell.intervalMicros() * cell.count()), wait);
        }
        return new Fill(SlidingCount.used(rows.buckets(cell.row()), now, cell.lengthMicros()) / (double) cell.count(),
                wait);
    }
}
