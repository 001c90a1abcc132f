package dev.emailengine.queue.control;

import dev.emailengine.queue.entity.QueuedEmail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;

/**
 * Start-up's repairs of what a crash or a power cut left in the queue's files: torn bulk files
 * rewritten from their journal, claimed emails returned to the queue, interrupted dead-letter
 * requeues settled, temp files removed and unreadable files set aside. Runs once, before any
 * request or worker, so it needs no locks.
 */
final class StartUpRepair {

    private final QueueFiles files;

    StartUpRepair(QueueFiles files) {
        this.files = files;
    }

    /**
     * Start-up, for an unsettled email of a bulk journal: true when it still waits (pending or
     * claimed), false when it is finished (sent, dead, cancelled). A pending or claimed file that
     * does not parse (torn by a power cut: these files are not synced, the journal is the durable
     * copy) is written again from the journal, and so is the pending file of an email that has
     * no file at all.
     */
    boolean restoreFromJournal(QueuedEmail email, Consumer<String> log) throws IOException {
        String id = email.id();
        // Finished first: a torn claim of an email that reached the trash is not sent again.
        for (Path dir : files.finishedDirectories()) {
            if (Files.exists(dir.resolve(id + QueueFiles.PENDING))) {
                return false;
            }
        }
        for (Path live : List.of(files.queue().resolve(id + QueueFiles.PENDING), files.queue().resolve(id + QueueFiles.PROCESSING))) {
            if (!Files.exists(live)) {
                continue;
            }
            if (parses(live)) {
                return true;
            }
            Files.delete(live);
            files.writeUnsynced(id, files.json().write(email));
            log.accept("rewrote " + live.getFileName() + " from its bulk journal: the file was torn or empty");
            return true;
        }
        files.writeUnsynced(id, files.json().write(email));
        return true;
    }


    private boolean parses(Path file) throws IOException {
        try {
            files.json().readSummary(Files.readAllBytes(file));
            return true;
        } catch (CorruptQueueFileException e) {
            return false;
        }
    }


    /**
     * The one full listing, at start-up: removes temp files, returns claimed-but-unfinished emails
     * to pending (never to the trash: that would lose mail), moves unreadable files aside, and hands
     * every pending email to {@code pending}.
     */
    void recover(Consumer<QueueJson.Summary> pending, Consumer<String> log) throws IOException {
        for (Path dir : List.of(files.queue(), files.trash(), files.deadLetter())) {
            for (Path temp : QueueFiles.list(dir, QueueFiles.TEMP_PREFIX + "*")) {
                Files.deleteIfExists(temp);
                log.accept("removed temp file " + temp.getFileName() + " left by a crash");
            }
        }
        for (Path claimed : QueueFiles.list(files.queue(), "*" + QueueFiles.PROCESSING)) {
            recoverClaimed(claimed, log);
        }
        recoverRequeues(log);
        for (Path file : QueueFiles.list(files.queue(), "*" + QueueFiles.PENDING)) {
            if (file.getFileName().toString().endsWith(QueueFiles.PROCESSING)) {
                continue;
            }
            try {
                pending.accept(files.json().readSummary(Files.readAllBytes(file)));
            } catch (CorruptQueueFileException e) {
                files.moveAside(file, e.getMessage());
                log.accept("moved corrupt queue file " + file.getFileName() + " to corrupt/: " + e.getMessage());
            }
        }
        files.fsync().directory(files.queue());
    }

    /**
     * A requeue interrupted by a crash: if the pending file was written, the requeue happened and
     * the dead letter goes; if not, the dead letter is put back. Either way one live copy remains.
     * A dead letter beside a pending file of the same id (what an interrupted requeue left before
     * requeues claimed first) is the stale one: the pending file is newer.
     */
    private void recoverRequeues(Consumer<String> log) throws IOException {
        for (Path claimed : QueueFiles.list(files.deadLetter(), QueueFiles.REQUEUING_PREFIX + "*")) {
            String name = claimed.getFileName().toString();
            String id = name.substring(QueueFiles.REQUEUING_PREFIX.length(), name.length() - QueueFiles.PENDING.length());
            if (Files.exists(files.queue().resolve(id + QueueFiles.PENDING)) || Files.exists(files.queue().resolve(id + QueueFiles.PROCESSING))) {
                Files.delete(claimed);
                log.accept("finished the requeue of " + id + " from the dead letters");
            } else {
                Files.move(claimed, files.deadLetter().resolve(id + QueueFiles.PENDING), StandardCopyOption.ATOMIC_MOVE);
                log.accept("put " + id + " back among the dead letters: its requeue did not finish");
            }
        }
        for (Path dead : QueueFiles.list(files.deadLetter(), "batch_*" + QueueFiles.PENDING)) {
            String name = dead.getFileName().toString();
            String id = name.substring(0, name.length() - QueueFiles.PENDING.length());
            if (Files.exists(files.queue().resolve(id + QueueFiles.PENDING))) {
                Files.delete(dead);
                log.accept("removed the stale dead letter of " + id + ": it had been requeued");
            }
        }
        files.fsync().directory(files.deadLetter());
    }

    private void recoverClaimed(Path claimed, Consumer<String> log) throws IOException {
        String name = claimed.getFileName().toString();
        String id = name.substring(0, name.length() - QueueFiles.PROCESSING.length());
        String outcome;
        if (Files.exists(files.queue().resolve(id + QueueFiles.PENDING))) {
            outcome = "a newer pending record exists";
        } else if (Files.exists(files.deadLetter().resolve(id + QueueFiles.PENDING))) {
            outcome = "it was dead-lettered";
        } else if (isReadable(files.trash().resolve(id + QueueFiles.PENDING))) {
            outcome = "it was sent";
        } else {
            Files.move(claimed, files.queue().resolve(id + QueueFiles.PENDING), StandardCopyOption.ATOMIC_MOVE);
            log.accept("requeued " + id + ": it was being processed when the server stopped");
            return;
        }
        Files.delete(claimed);
        log.accept("dropped stale claim of " + id + ": " + outcome);
    }

    private boolean isReadable(Path file) {
        try {
            files.json().read(Files.readAllBytes(file));
            return true;
        } catch (IOException | CorruptQueueFileException e) {
            return false;
        }
    }
}
