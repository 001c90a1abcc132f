package dev.emailengine.queue.control;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The in-memory view of what is waiting, so no claim, lookup or status page ever lists the
 * directory. Due emails are ordered by priority, then arrival; emails waiting for a retry are
 * ordered by due time and join the due set when their time comes. Holds ids and numbers only,
 * never bodies (about 150 bytes an email). Not thread-safe: {@link MailQueue} guards it.
 */
class QueueIndex {

    record Entry(String id, int priority, long sequence, long dueAtMillis, long createdAtMillis, int retryCount) {
    }

    enum State {
        PENDING, SCHEDULED_RETRY, PROCESSING
    }

    record Listed(Entry entry, State state) {
    }

    private static final Comparator<Entry> BY_PRIORITY = Comparator.comparingInt(Entry::priority)
            .thenComparingLong(Entry::sequence);
    private static final Comparator<Entry> BY_DUE_TIME = Comparator.comparingLong(Entry::dueAtMillis)
            .thenComparingLong(Entry::sequence);

    private final TreeSet<Entry> due = new TreeSet<>(BY_PRIORITY);
    private final TreeSet<Entry> waiting = new TreeSet<>(BY_DUE_TIME);
    private final Map<String, Entry> pending = new HashMap<>();
    private final Map<String, Entry> processing = new LinkedHashMap<>();
    private long nextSequence;

    /** Adds a pending email; ones added earlier are claimed earlier within a priority. */
    void add(String id, int priority, long dueAtMillis, long createdAtMillis, int retryCount, long nowMillis) {
        var entry = new Entry(id, priority, nextSequence++, dueAtMillis, createdAtMillis, retryCount);
        pending.put(id, entry);
        (dueAtMillis <= nowMillis ? due : waiting).add(entry);
    }

    /** Removes and returns the best due email, now marked processing, or null. */
    Entry claimNext(long nowMillis) {
        promoteDue(nowMillis);
        Entry next = due.pollFirst();
        if (next != null) {
            pending.remove(next.id());
            processing.put(next.id(), next);
        }
        return next;
    }

    /** Puts a claimed email back unchanged, in its old place (an outage deferred it). */
    void unclaim(String id, long nowMillis) {
        Entry entry = processing.remove(id);
        if (entry != null) {
            pending.put(id, entry);
            (entry.dueAtMillis() <= nowMillis ? due : waiting).add(entry);
        }
    }

    /** Forgets an email that left the queue (sent, dead, or found missing on disk). */
    void finished(String id) {
        processing.remove(id);
    }

    /** Removes a pending email (cancelled); false when it is not pending. */
    boolean remove(String id) {
        Entry entry = pending.remove(id);
        if (entry == null) {
            return false;
        }
        due.remove(entry);
        waiting.remove(entry);
        return true;
    }

    boolean hasDue(long nowMillis) {
        promoteDue(nowMillis);
        return !due.isEmpty();
    }

    /** When the earliest waiting retry becomes due, or {@code Long.MAX_VALUE} if none waits. */
    long nextDueAtMillis() {
        return waiting.isEmpty() ? Long.MAX_VALUE : waiting.first().dueAtMillis();
    }

    State stateOf(String id, long nowMillis) {
        promoteDue(nowMillis);
        if (processing.containsKey(id)) {
            return State.PROCESSING;
        }
        Entry entry = pending.get(id);
        if (entry == null) {
            return null;
        }
        return due.contains(entry) ? State.PENDING : State.SCHEDULED_RETRY;
    }

    int dueCount(long nowMillis) {
        promoteDue(nowMillis);
        return due.size();
    }

    int waitingCount(long nowMillis) {
        promoteDue(nowMillis);
        return waiting.size();
    }

    int processingCount() {
        return processing.size();
    }

    int size() {
        return pending.size() + processing.size();
    }

    /**
     * One page of the queue in the order it will be worked: being processed, then due (claim
     * order), then waiting for a retry (due-time order). Costs O(offset + limit).
     */
    List<Listed> page(int offset, int limit, long nowMillis) {
        promoteDue(nowMillis);
        var cursor = new PageCursor(offset, limit);
        cursor.take(processing.values(), State.PROCESSING);
        cursor.take(due, State.PENDING);
        cursor.take(waiting, State.SCHEDULED_RETRY);
        return cursor.page;
    }

    private static final class PageCursor {
        final List<Listed> page = new ArrayList<>();
        int skip;
        final int limit;

        PageCursor(int offset, int limit) {
            this.skip = offset;
            this.limit = limit;
        }

        void take(Iterable<Entry> entries, State state) {
            for (Entry entry : entries) {
                if (page.size() >= limit) {
                    return;
                }
                if (skip > 0) {
                    skip--;
                } else {
                    page.add(new Listed(entry, state));
                }
            }
        }
    }

    private void promoteDue(long nowMillis) {
        while (!waiting.isEmpty() && waiting.first().dueAtMillis() <= nowMillis) {
            due.add(waiting.pollFirst());
        }
    }
}
