package dev.emailengine.queue.control;

import dev.emailengine.platform.DurableFiles;
import dev.emailengine.platform.Fsync;
import dev.emailengine.queue.entity.EmailState;
import dev.emailengine.queue.entity.IdempotencyRecord;
import dev.emailengine.queue.entity.QueuedEmail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The queue's files and every operation on them. Layout under the data directory:
 * {@code queue/<id>.json} (pending), {@code queue/<id>.processing.json} (claimed by a worker),
 * {@code trash/<id>.json} (sent), {@code dead_letter/<id>.json} (given up), {@code corrupt/}
 * (unreadable files with a {@code .reason.txt} beside them), {@code cancelled/<id>.json} (withdrawn
 * by the client before any attempt). Temporary files start with
 * {@code .tmp-} and never carry a queue name, so a crash can leave nothing that looks queued.
 */
public class QueueFiles {

    static final String PENDING = ".json";
    static final String PROCESSING = ".processing.json";
    static final String TEMP_PREFIX = DurableFiles.TEMP_PREFIX;
    /** A dead letter one request is requeueing; named so that no listing takes it for a dead letter. */
    static final String REQUEUING_PREFIX = ".requeuing-";

    private final Path queue;
    private final Path trash;
    private final Path deadLetter;
    private final Path corrupt;
    private final Path cancelled;
    private final Fsync fsync;
    private final DurableFiles durable;
    private final QueueJson json;

    public QueueFiles(Path dataDir, Fsync fsync) {
        this(dataDir, fsync, new QueueJson());
    }

    QueueFiles(Path dataDir, Fsync fsync, QueueJson json) {
        this.json = json;
        this.queue = dataDir.resolve("queue");
        this.trash = dataDir.resolve("trash");
        this.deadLetter = dataDir.resolve("dead_letter");
        this.corrupt = dataDir.resolve("corrupt");
        this.cancelled = dataDir.resolve("cancelled");
        this.fsync = fsync;
        this.durable = new DurableFiles(fsync);
        try {
            for (Path dir : List.of(queue, trash, deadLetter, corrupt, cancelled)) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the queue directories under " + dataDir, e);
        }
    }

    QueueJson json() {
        return json;
    }

    Fsync fsync() {
        return fsync;
    }

    Path queue() {
        return queue;
    }

    Path trash() {
        return trash;
    }

    Path deadLetter() {
        return deadLetter;
    }

    /** Where an email ended that will not be sent again: sent, dead, cancelled or set aside. */
    List<Path> finishedDirectories() {
        return List.of(trash, deadLetter, cancelled, corrupt);
    }

    public Path queueDirectory() {
        return queue;
    }

    /**
     * Returns only once the file and its directory entry are on disk: this is what a 200 promises.
     * When it throws, no pending file is left (see {@link DurableFiles#create}).
     */
    public void writePending(QueuedEmail email) throws IOException {
        writePending(email, null);
    }

    /** @param idempotency the record of the request, made durable in the same write; or null */
    public void writePending(QueuedEmail email, IdempotencyRecord idempotency) throws IOException {
        durable.create(queue, email.id() + PENDING, json.write(email, idempotency));
    }

    Path writeUnsynced(String id, byte[] content) throws IOException {
        Path temp = queue.resolve(TEMP_PREFIX + id + PENDING);
        Path target = queue.resolve(id + PENDING);
        Files.write(temp, content);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /**
     * Withdraws a pending email: moved to {@code cancelled/}, durably gone from the queue. False
     * when it is not pending (claimed meanwhile, or never there).
     */
    public boolean cancel(String id, Instant now) throws IOException {
        Path target = cancelled.resolve(id + PENDING);
        try {
            Files.move(queue.resolve(id + PENDING), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return false;
        }
        try {
            // Retention counts from the cancel, not from when the email was accepted.
            Files.setLastModifiedTime(target, FileTime.from(now));
            fsync.directory(queue);
        } catch (IOException e) {
            // The client hears the cancel failed: the email must still be queued, as it was.
            Files.move(target, queue.resolve(id + PENDING), StandardCopyOption.ATOMIC_MOVE);
            throw e;
        }
        return true;
    }

    /**
     * Takes a pending email for delivery by renaming it; the rename is the lock, so two workers can
     * never hold the same email. Returns null when the file is gone (cancelled or claimed already).
     */
    public QueuedEmail claim(String id) throws IOException {
        Path processing = queue.resolve(id + PROCESSING);
        try {
            Files.move(queue.resolve(id + PENDING), processing, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            return json.read(Files.readAllBytes(processing));
        } catch (Error e) {
            // Out of memory reading a large email, say: it goes back as it was, not stuck claimed.
            Files.move(processing, queue.resolve(id + PENDING), StandardCopyOption.ATOMIC_MOVE);
            throw e;
        }
    }

    /** Puts a claimed email back as pending with its updated record (a retry); durable. */
    public void release(QueuedEmail updated) throws IOException {
        writePending(updated);
        Files.deleteIfExists(queue.resolve(updated.id() + PROCESSING));
    }

    /**
     * Records a sent email in the trash. Not fsync'd: if a power cut loses it, start-up finds the
     * processing file again and resends, which at-least-once allows; a crash of the process alone
     * loses nothing because the page cache survives it.
     */
    public void moveToTrash(QueuedEmail sent) throws IOException {
        Path temp = trash.resolve(TEMP_PREFIX + sent.id());
        Files.write(temp, json.write(sent));
        Files.move(temp, trash.resolve(sent.id() + PENDING), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(queue.resolve(sent.id() + PROCESSING));
    }

    /** Dead letters are kept for an operator, so they are written durably before the claim goes. */
    public void moveToDeadLetter(QueuedEmail dead) throws IOException {
        durable.write(deadLetter, dead.id() + PENDING, json.write(dead));
        Files.deleteIfExists(queue.resolve(dead.id() + PROCESSING));
    }

    /** Returns a claimed email to pending as it was (an SMTP outage, not its failure). */
    public void unclaim(String id) throws IOException {
        Files.move(queue.resolve(id + PROCESSING), queue.resolve(id + PENDING), StandardCopyOption.ATOMIC_MOVE);
    }

    /** A claimed file that turned out unreadable: set aside with the reason, never retried. */
    public void moveClaimedAside(String id, String reason) throws IOException {
        moveAside(queue.resolve(id + PROCESSING), reason);
    }

    /** Reads an email wherever it is; empty when no file holds it (unknown, or purged from the trash). */
    public Optional<QueuedEmail> find(String id, EmailState state) {
        Path file = switch (state) {
            case QUEUED, RETRYING -> queue.resolve(id + PENDING);
            case PROCESSING -> queue.resolve(id + PROCESSING);
            case SENT -> trash.resolve(id + PENDING);
            case DEAD -> deadLetter.resolve(id + PENDING);
            case CANCELLED -> cancelled.resolve(id + PENDING);
        };
        try {
            return Optional.of(json.read(Files.readAllBytes(file)));
        } catch (IOException | CorruptQueueFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Moves a dead letter back to pending with a fresh retry budget; durable. Empty if it is not
     * there, or another request is requeueing it right now. The dead letter is first claimed by
     * renaming it, which only one caller can do: concurrent requeues of one email cannot both
     * write it back. A crash while it is claimed is settled at start-up ({@link #recover}).
     */
    public Optional<QueuedEmail> requeueDeadLetter(String id, Instant now) throws IOException {
        Path dead = deadLetter.resolve(id + PENDING);
        Path claimed = deadLetter.resolve(REQUEUING_PREFIX + id + PENDING);
        try {
            Files.move(dead, claimed, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        QueuedEmail requeued;
        try {
            // Durable before the pending file exists: a power cut must not bring back the dead
            // letter beside its requeued copy.
            fsync.directory(deadLetter);
            requeued = json.read(Files.readAllBytes(claimed)).requeued(now);
            writePending(requeued);
        } catch (IOException | RuntimeException e) {
            Files.move(claimed, dead, StandardCopyOption.ATOMIC_MOVE);
            throw e;
        }
        Files.deleteIfExists(claimed);
        return Optional.of(requeued);
    }

    /** Ids of the files in the trash or the dead letters (start-up only). */
    public List<String> idsIn(EmailState state) throws IOException {
        Path dir = state == EmailState.SENT ? trash : deadLetter;
        var ids = new ArrayList<String>();
        for (Path file : list(dir, "batch_*" + PENDING)) {
            String name = file.getFileName().toString();
            ids.add(name.substring(0, name.length() - PENDING.length()));
        }
        return ids;
    }

    /** Deletes sent and cancelled emails older than {@code cutoff}; returns how many sent ones went. */
    public int purgeTrash(Instant cutoff) throws IOException {
        purgeOlder(cancelled, cutoff);
        return purgeOlder(trash, cutoff);
    }

    private static int purgeOlder(Path dir, Instant cutoff) throws IOException {
        int purged = 0;
        for (Path file : list(dir, "batch_*" + PENDING)) {
            try {
                if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
                    Files.delete(file);
                    purged++;
                }
            } catch (NoSuchFileException e) {
                // removed meanwhile
            }
        }
        return purged;
    }

    void moveAside(Path file, String reason) throws IOException {
        Path target = corrupt.resolve(file.getFileName());
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(corrupt.resolve(file.getFileName() + ".reason.txt"), reason + System.lineSeparator(),
                StandardCharsets.UTF_8);
    }

    static List<Path> list(Path dir, String glob) throws IOException {
        var found = new ArrayList<Path>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
            stream.forEach(found::add);
        }
        return found;
    }
}
