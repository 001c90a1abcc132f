package dev.emailengine.queue.control;

import dev.emailengine.queue.entity.EmailState;
import dev.emailengine.queue.entity.QueueDepth;
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
 * never bodies (about 150 bytes an email). Also knows the dead letters (ids only) and counts the
 * sent emails. Thread-safe: every method holds the index's monitor, and never for any I/O.
 */
class QueueIndex {

    record Entry(String id, int priority, long sequence, long dueAtMillis, long createdAtMillis, int retryCount) {
    }

    /** An email on a status page: where it stands, and whether it is due (claimable) now. */
    record Listed(Entry entry, EmailState state, boolean due) {
    }

    /** A consistent view for a status page. */
    record Snapshot(List<Listed> page, int due, int waiting, int processing, int deadLetters, long sent) {
        int total() {
            return due + waiting + processing;
        }
    }

    private static final Comparator<Entry> BY_PRIORITY = Comparator.comparingInt(Entry::priority)
            .thenComparingLong(Entry::sequence);
    private static final Comparator<Entry> BY_DUE_TIME = Comparator.comparingLong(Entry::dueAtMillis)
            .thenComparingLong(Entry::sequence);

    private final TreeSet<Entry> due = new TreeSet<>(BY_PRIORITY);
    private final TreeSet<Entry> waiting = new TreeSet<>(BY_DUE_TIME);
    private final Map<String, Entry> pending = new HashMap<>();
    private final Map<String, Entry> processing = new LinkedHashMap<>();
    /** Dead-letter ids, oldest first (ids sort by arrival). */
    private final TreeSet<String> deadLetters = new TreeSet<>();
    private long sent;
    private long nextSequence;
    /** Pending entries with a retry count, all and those in {@link #waiting}: the depth's "retrying", in O(1). */
    private int retrying;
    private int retryingWaiting;

    /**
     * Adds a pending email (a new one, a retry, or a requeued dead letter) and wakes one waiting
     * worker; ones added earlier are claimed earlier within a priority.
     */
    synchronized void add(String id, int priority, long dueAtMillis, long createdAtMillis, int retryCount, long nowMillis) {
        processing.remove(id);
        deadLetters.remove(id);
        var entry = new Entry(id, priority, nextSequence++, dueAtMillis, createdAtMillis, retryCount);
        putPending(entry);
        enqueue(entry, nowMillis);
        notify();
    }

    /** Blocks until an email is due or {@code maxMillis} passed; returns at once if one is due. */
    synchronized void awaitDue(long maxMillis, java.time.Clock clock) throws InterruptedException {
        long now = clock.millis();
        if (hasDue(now)) {
            return;
        }
        long waitMillis = Math.min(maxMillis, nextDueAtMillis() - now);
        if (waitMillis > 0) {
            wait(waitMillis);
        }
    }

    synchronized void wakeAll() {
        notifyAll();
    }

    synchronized void sent(String id) {
        processing.remove(id);
        sent++;
    }

    synchronized void setSentCount(long count) {
        sent = count;
    }

    synchronized void purged(int count) {
        sent = Math.max(0, sent - count);
    }

    synchronized void dead(String id) {
        processing.remove(id);
        deadLetters.add(id);
    }

    synchronized boolean isDead(String id) {
        return deadLetters.contains(id);
    }

    /** Newest first. */
    synchronized List<String> deadLetterPage(int offset, int limit) {
        return deadLetters.descendingSet().stream().skip(offset).limit(limit).toList();
    }

    synchronized List<String> allDeadLetters() {
        return List.copyOf(deadLetters);
    }

    /** Removes and returns the best due email, now marked processing, or null. */
    synchronized Entry claimNext(long nowMillis) {
        promoteDue(nowMillis);
        Entry next = due.pollFirst();
        if (next != null) {
            removeFromPending(next.id());
            processing.put(next.id(), next);
        }
        return next;
    }

    /** Puts a claimed email back unchanged, in its old place (an outage deferred it). */
    synchronized void unclaim(String id, long nowMillis) {
        Entry entry = processing.remove(id);
        if (entry != null) {
            putPending(entry);
            enqueue(entry, nowMillis);
            notify();
        }
    }

    /** Puts a claimed email back in its place within its priority, due at {@code dueAtMillis} (a rate limit's slot). */
    synchronized void postpone(String id, long dueAtMillis, long nowMillis) {
        Entry entry = processing.remove(id);
        if (entry != null) {
            var moved = new Entry(id, entry.priority(), entry.sequence(), dueAtMillis, entry.createdAtMillis(),
                    entry.retryCount());
            putPending(moved);
            enqueue(moved, nowMillis);
            notify();
        }
    }

    /** Takes a pending (not claimed) email out of the queue; null when it is not pending. */
    synchronized Entry removePending(String id) {
        Entry entry = removeFromPending(id);
        if (entry != null) {
            due.remove(entry);
            removeWaiting(entry);
        }
        return entry;
    }

    /** Undoes {@link #removePending} when the file could not follow; a due entry is promoted on the next look. */
    synchronized void restore(Entry entry) {
        putPending(entry);
        addWaiting(entry);
        notify();
    }

    /** Forgets an email that left the queue (sent, dead, or found missing on disk). */
    synchronized void finished(String id) {
        processing.remove(id);
    }

    synchronized boolean hasDue(long nowMillis) {
        promoteDue(nowMillis);
        return !due.isEmpty();
    }

    /** When the earliest waiting retry becomes due, or {@code Long.MAX_VALUE} if none waits. */
    synchronized long nextDueAtMillis() {
        return waiting.isEmpty() ? Long.MAX_VALUE : waiting.first().dueAtMillis();
    }

    /** PROCESSING, QUEUED or RETRYING while the index holds the email; null otherwise. */
    synchronized EmailState stateOf(String id) {
        if (processing.containsKey(id)) {
            return EmailState.PROCESSING;
        }
        Entry entry = pending.get(id);
        return entry == null ? null : waitingState(entry);
    }

    private static EmailState waitingState(Entry entry) {
        return entry.retryCount() > 0 ? EmailState.RETRYING : EmailState.QUEUED;
    }

    /**
     * One page of the queue in the order it will be worked: being processed, then due (claim
     * order), then waiting for a retry (due-time order). Costs O(offset + limit).
     */
    synchronized List<Listed> page(int offset, int limit, long nowMillis) {
        promoteDue(nowMillis);
        var cursor = new PageCursor(offset, limit);
        cursor.take(processing.values(), true, true);
        cursor.take(due, false, true);
        cursor.take(waiting, false, false);
        return cursor.page;
    }

    /** The dashboard's figures, in O(1): never-tried emails due now and later apart from the retries. */
    synchronized QueueDepth depth(long nowMillis) {
        promoteDue(nowMillis);
        return new QueueDepth(due.size() - (retrying - retryingWaiting), waiting.size() - retryingWaiting, retrying,
                processing.size(), deadLetters.size());
    }

    synchronized Snapshot snapshot(int offset, int limit, long nowMillis) {
        List<Listed> listed = page(offset, limit, nowMillis);
        return new Snapshot(listed, due.size(), waiting.size(), processing.size(), deadLetters.size(), sent);
    }

    private static final class PageCursor {
        final List<Listed> page = new ArrayList<>();
        int skip;
        final int limit;

        PageCursor(int offset, int limit) {
            this.skip = offset;
            this.limit = limit;
        }

        void take(Iterable<Entry> entries, boolean claimed, boolean due) {
            for (Entry entry : entries) {
                if (page.size() >= limit) {
                    return;
                }
                if (skip > 0) {
                    skip--;
                } else {
                    page.add(new Listed(entry, claimed ? EmailState.PROCESSING : waitingState(entry), due));
                }
            }
        }
    }

    private void promoteDue(long nowMillis) {
        while (!waiting.isEmpty() && waiting.first().dueAtMillis() <= nowMillis) {
            Entry entry = waiting.pollFirst();
            if (entry.retryCount() > 0) {
                retryingWaiting--;
            }
            due.add(entry);
        }
    }

    // Every change to pending and waiting goes through these, which keep the retry counts.

    private void putPending(Entry entry) {
        Entry replaced = pending.put(entry.id(), entry);
        if (replaced != null && replaced.retryCount() > 0) {
            retrying--;
        }
        if (entry.retryCount() > 0) {
            retrying++;
        }
    }

    private Entry removeFromPending(String id) {
        Entry entry = pending.remove(id);
        if (entry != null && entry.retryCount() > 0) {
            retrying--;
        }
        return entry;
    }

    private void enqueue(Entry entry, long nowMillis) {
        if (entry.dueAtMillis() <= nowMillis) {
            due.add(entry);
        } else {
            addWaiting(entry);
        }
    }

    private void addWaiting(Entry entry) {
        if (waiting.add(entry) && entry.retryCount() > 0) {
            retryingWaiting++;
        }
    }

    private void removeWaiting(Entry entry) {
        if (waiting.remove(entry) && entry.retryCount() > 0) {
            retryingWaiting--;
        }
    }
}
