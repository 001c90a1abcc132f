package dev.emailengine.queue.control;

import dev.emailengine.queue.entity.QueuedEmail;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Makes a bulk enqueue durable with one fsync instead of one per email: all emails of a request
 * go into one journal file under {@code DATA_DIR/bulk/}, written durably, and their pending files
 * are then written without fsyncs of their own. The journal stays until every one of its emails
 * is settled, that is durable on its own or finished (sent, dead-lettered, retried, cancelled);
 * at start-up, a journal's emails that have no file anywhere are written again.
 */
public class BulkJournals {

    private static final String SUFFIX = ".json";

    private final Path dir;
    private final DurableFiles durable;
    private final QueueJson json = new QueueJson();
    private final Map<String, String> journalOf = new HashMap<>();
    private final Map<String, Integer> unsettled = new HashMap<>();

    public BulkJournals(Path dataDir, Fsync fsync) {
        this.dir = dataDir.resolve("bulk");
        this.durable = new DurableFiles(fsync);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** Writes the journal of {@code encoded} (queue-file JSON, one per email) durably; returns its name. */
    String write(String firstId, List<byte[]> encoded) throws IOException {
        var out = new ByteArrayOutputStream(encoded.stream().mapToInt(b -> b.length + 1).sum() + 32);
        out.writeBytes("{\"version\":1,\"emails\":[".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < encoded.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(encoded.get(i));
        }
        out.writeBytes("]}".getBytes(StandardCharsets.US_ASCII));
        String name = firstId + SUFFIX;
        durable.write(dir, name, out.toByteArray());
        return name;
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
     * The email no longer needs its journal. When it was the journal's last, the journal is
     * deleted; no fsync, as a journal that survives a crash is only read again at start-up.
     */
    void settled(String id) throws IOException {
        String emptied;
        synchronized (this) {
            String journal = journalOf.remove(id);
            if (journal == null || unsettled.merge(journal, -1, Integer::sum) > 0) {
                return;
            }
            unsettled.remove(journal);
            emptied = journal;
        }
        Files.deleteIfExists(dir.resolve(emptied));
    }

    /** What start-up does with one journal's emails. */
    interface Replay {
        void journal(String name, List<QueuedEmail> emails) throws IOException;
    }

    /**
     * Start-up: hands each journal's emails to {@code replay}, one journal at a time so that only
     * one is in memory; an unreadable journal is reported and left in place.
     */
    void replayAll(Replay replay, Consumer<String> log) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "batch_*" + SUFFIX)) {
            for (Path file : files) {
                List<QueuedEmail> emails;
                try {
                    emails = json.readJournal(Files.readAllBytes(file));
                } catch (CorruptQueueFileException e) {
                    log.accept("bulk journal " + file.getFileName() + " is unreadable and was left in place: "
                            + e.getMessage());
                    continue;
                }
                replay.journal(file.getFileName().toString(), emails);
            }
        }
    }

    /** Start-up: keeps a journal for those of its emails still waiting, or deletes it when none is. */
    void adopt(String journal, List<String> waiting) throws IOException {
        if (waiting.isEmpty()) {
            Files.deleteIfExists(dir.resolve(journal));
        } else {
            track(journal, waiting);
        }
    }

    static List<String> ids(List<QueuedEmail> emails) {
        var ids = new ArrayList<String>(emails.size());
        emails.forEach(e -> ids.add(e.id()));
        return ids;
    }
}
