package dev.emailengine.queue.control;

import dev.emailengine.platform.DurableFiles;
import dev.emailengine.platform.Fsync;
import dev.emailengine.queue.entity.IdempotencyRecord;
import dev.emailengine.queue.entity.QueuedEmail;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Makes a bulk enqueue durable with one fsync instead of one per email: all emails of a request
 * go into one journal file under {@code DATA_DIR/bulk/}, streamed to disk and synced, and their
 * pending files are written without fsyncs of their own. The journal stays until every one of its
 * emails is settled, that is durable on its own or finished (sent, dead-lettered, retried,
 * cancelled); at start-up, a journal's unsettled emails whose file is missing or unreadable are
 * written again.
 * <p>
 * Each settled email leaves a tombstone (its id, one line in {@code <journal>.settled}), so that
 * a journal that outlives a sent or cancelled email's file (purged from the trash while other
 * emails of the bulk still wait) can never bring that email back. Tombstones are appended without
 * an fsync on the delivery path; {@link #syncTombstones()} makes them durable before any purge
 * deletes the files they stand for.
 */
public class BulkJournals {

    private static final String SUFFIX = ".json";
    private static final String TOMBSTONES = ".settled";

    private final Path dir;
    private final DurableFiles durable;
    private final QueueJson json = new QueueJson();
    private final Map<String, String> journalOf = new HashMap<>();
    private final Map<String, Integer> unsettled = new HashMap<>();
    private final Set<String> unsyncedTombstones = new HashSet<>();
    /** Tombstones whose append failed (a full disk, say): written again before the next purge. */
    private final Map<String, List<String>> unwrittenTombstones = new HashMap<>();
    /** A journal was deleted since the directory was last synced. */
    private boolean directoryChanged;

    public BulkJournals(Path dataDir, Fsync fsync) {
        this.dir = dataDir.resolve("bulk");
        this.durable = new DurableFiles(fsync);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /**
     * A journal being written: emails are streamed into a temp file one at a time, so a bulk never
     * needs a second copy of all its emails in memory. Nothing exists under the journal's name
     * until {@link #commit()} returns; closing an uncommitted writer removes the temp file.
     */
    final class Writer implements AutoCloseable {
        private final String name;
        private final Path temp;
        private final FileChannel channel;
        private final OutputStream out;
        private boolean first = true;
        private boolean committed;

        Writer(String firstId, byte[] header) throws IOException {
            this.name = firstId + SUFFIX;
            this.temp = dir.resolve(DurableFiles.TEMP_PREFIX + name);
            this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            out.write(header);
        }

        void add(byte[] encodedEmail) throws IOException {
            if (!first) {
                out.write(',');
            }
            first = false;
            out.write(encodedEmail);
        }

        /** Syncs the journal under its real name: from here on its emails survive a power cut. */
        String commit() throws IOException {
            out.write("]}".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            durable.fsync().file(channel, temp);
            channel.close();
            durable.publish(temp, dir.resolve(name));
            committed = true;
            return name;
        }

        @Override
        public void close() throws IOException {
            if (channel.isOpen()) {
                channel.close();
            }
            if (!committed) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Starts the journal of a bulk whose first email is {@code firstId}. */
    Writer open(String firstId, String idempotencyJson) throws IOException {
        String head = "{\"version\":1," + (idempotencyJson == null ? "" : "\"idempotency\":" + idempotencyJson + ",")
                + "\"emails\":[";
        return new Writer(firstId, head.getBytes(StandardCharsets.UTF_8));
    }

    /** Durably removes a journal whose emails were never queued (a failed bulk write). */
    void discard(String journal) throws IOException {
        Files.deleteIfExists(dir.resolve(journal));
        durable.fsync().directory(dir);
    }

    synchronized void track(String journal, List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        ids.forEach(id -> journalOf.put(id, journal));
        unsettled.merge(journal, ids.size(), Integer::sum);
    }

    /**
     * The email no longer needs its journal: a tombstone says so. When it was the journal's last,
     * the journal and its tombstones are deleted; no fsync, as a journal that survives a crash is
     * only read again at start-up, where the tombstones (or the emails' own files) settle it.
     */
    void settled(String id) throws IOException {
        String journal;
        boolean emptied;
        synchronized (this) {
            journal = journalOf.remove(id);
            if (journal == null) {
                return;
            }
            emptied = unsettled.merge(journal, -1, Integer::sum) <= 0;
            if (emptied) {
                unsettled.remove(journal);
                unsyncedTombstones.remove(journal);
                unwrittenTombstones.remove(journal);
                directoryChanged = true;
            } else {
                unsyncedTombstones.add(journal);
                // Under the lock: appends to one tombstone file must not interleave.
                try {
                    appendTombstones(journal, List.of(id));
                } catch (IOException e) {
                    unwrittenTombstones.computeIfAbsent(journal, j -> new ArrayList<>()).add(id);
                    throw e;
                }
            }
        }
        if (emptied) {
            Files.deleteIfExists(dir.resolve(journal));
            Files.deleteIfExists(tombstones(journal));
        }
    }

    private void appendTombstones(String journal, List<String> ids) throws IOException {
        Files.writeString(tombstones(journal), String.join("\n", ids) + "\n", StandardCharsets.US_ASCII,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /**
     * Makes every tombstone written so far durable. Called before the trash or the cancelled
     * emails are purged: once their files are gone, the tombstone is all that keeps the journal
     * from restoring them.
     */
    void syncTombstones() throws IOException {
        List<String> journals;
        boolean deletions;
        synchronized (this) {
            for (var unwritten : new ArrayList<>(unwrittenTombstones.entrySet())) {
                appendTombstones(unwritten.getKey(), unwritten.getValue());
                unwrittenTombstones.remove(unwritten.getKey());
            }
            journals = new ArrayList<>(unsyncedTombstones);
            unsyncedTombstones.clear();
            deletions = directoryChanged;
            directoryChanged = false;
        }
        for (String journal : journals) {
            try (var channel = FileChannel.open(tombstones(journal), StandardOpenOption.WRITE)) {
                durable.fsync().file(channel, tombstones(journal));
            } catch (NoSuchFileException e) {
                // the journal was emptied and deleted meanwhile
            }
        }
        // New tombstone files, and journals deleted once settled: a power cut must not bring
        // back a deleted journal without the tombstones that settled it.
        if (!journals.isEmpty() || deletions) {
            durable.fsync().directory(dir);
        }
    }

    /** What start-up does with one journal's unsettled emails. */
    interface Replay {
        void journal(String name, IdempotencyRecord idempotency, List<QueuedEmail> unsettled) throws IOException;
    }

    /**
     * Start-up: removes temp files left by a crash, then hands each journal's emails that have no
     * tombstone to {@code replay}, one journal at a time so that only one is in memory; an
     * unreadable journal is reported and left in place.
     */
    void replayAll(Replay replay, Consumer<String> log) throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, DurableFiles.TEMP_PREFIX + "*")) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
                log.accept("removed temp file bulk/" + temp.getFileName() + " left by a crash");
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "batch_*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                QueueJson.Journal journal;
                try {
                    journal = json.readJournal(Files.readAllBytes(file));
                } catch (CorruptQueueFileException e) {
                    log.accept("bulk journal " + name + " is unreadable and was left in place: " + e.getMessage());
                    continue;
                }
                Set<String> settled = readTombstones(name);
                var open = new ArrayList<QueuedEmail>(journal.emails().size());
                for (QueuedEmail email : journal.emails()) {
                    if (!settled.contains(email.id())) {
                        open.add(email);
                    }
                }
                replay.journal(name, journal.idempotency(), open);
            }
        }
        try (DirectoryStream<Path> orphans = Files.newDirectoryStream(dir, "batch_*" + TOMBSTONES)) {
            for (Path orphan : orphans) {
                String name = orphan.getFileName().toString();
                if (!Files.exists(dir.resolve(name.substring(0, name.length() - TOMBSTONES.length()) + SUFFIX))) {
                    Files.deleteIfExists(orphan);
                }
            }
        }
    }

    /**
     * Start-up: keeps a journal for those of its emails still waiting, or deletes it when none is.
     * Emails found finished without a tombstone (a crash between their move and the tombstone)
     * get one now, durably, before any purge could delete the file that shows they finished.
     */
    void adopt(String journal, List<String> waiting, List<String> finished) throws IOException {
        if (waiting.isEmpty()) {
            Files.deleteIfExists(dir.resolve(journal));
            Files.deleteIfExists(tombstones(journal));
            synchronized (this) {
                directoryChanged = true;
            }
            return;
        }
        if (!finished.isEmpty()) {
            appendTombstones(journal, finished);
            try (var channel = FileChannel.open(tombstones(journal), StandardOpenOption.WRITE)) {
                durable.fsync().file(channel, tombstones(journal));
            }
            durable.fsync().directory(dir);
        }
        track(journal, waiting);
    }

    private Set<String> readTombstones(String journal) throws IOException {
        try {
            // A torn last line (a crash mid-append, possibly garbage) is no id and matches nothing.
            return new LinkedHashSet<>(Files.readAllLines(tombstones(journal), StandardCharsets.ISO_8859_1));
        } catch (NoSuchFileException e) {
            return Set.of();
        }
    }

    private Path tombstones(String journal) {
        return dir.resolve(journal.substring(0, journal.length() - SUFFIX.length()) + TOMBSTONES);
    }

    static List<String> ids(List<QueuedEmail> emails) {
        var ids = new ArrayList<String>(emails.size());
        emails.forEach(e -> ids.add(e.id()));
        return ids;
    }
}
