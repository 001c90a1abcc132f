package dev.emailengine.queue.control;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The in-memory view of what is waiting, so no claim or lookup ever lists the directory. Due
 * emails are ordered by priority, then arrival; emails waiting for a retry are ordered by due
 * time and join the due set when their time comes. Holds ids and numbers only, never bodies.
 * Not thread-safe: {@link MailQueue} guards it.
 */
class QueueIndex {

    record Entry(String id, int priority, long sequence, long dueAtMillis) {
    }

    enum State {
        PENDING, SCHEDULED_RETRY, PROCESSING
    }

    private static final Comparator<Entry> BY_PRIORITY = Comparator.comparingInt(Entry::priority)
            .thenComparingLong(Entry::sequence);
    private static final Comparator<Entry> BY_DUE_TIME = Comparator.comparingLong(Entry::dueAtMillis)
            .thenComparingLong(Entry::sequence);

    private final TreeSet<Entry> due = new TreeSet<>(BY_PRIORITY);
    private final TreeSet<Entry> waiting = new TreeSet<>(BY_DUE_TIME);
    private final Map<String, Entry> pending = new HashMap<>();
    private final Map<String, Entry> processing = new HashMap<>();
    private long nextSequence;

    /** Adds a pending email; ones added earlier are claimed earlier within a priority. */
    void add(String id, int priority, long dueAtMillis, long nowMillis) {
        var entry = new Entry(id, priority, nextSequence++, dueAtMillis);
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

    /** Forgets an email that left the queue (sent, dead, or found missing on disk). */
    void finished(String id) {
        processing.remove(id);
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

    private void promoteDue(long nowMillis) {
        while (!waiting.isEmpty() && waiting.first().dueAtMillis() <= nowMillis) {
            due.add(waiting.pollFirst());
        }
    }
}
