package dev.emailengine.queue.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.platform.Fsync;
import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.QueuedEmail;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueFilesTest {

    @TempDir
    Path data;

    /** Real fsyncs, with a note of what the directory looked like at each one. */
    static class RecordingFsync extends Fsync {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void file(FileChannel channel, Path path) throws IOException {
            super.file(channel, path);
            events.add("file " + path.getFileName() + " size=" + channel.size() + " dir=" + names(path.getParent()));
        }

        @Override
        protected void forceDirectory(Path directory) throws IOException {
            super.forceDirectory(directory);
            events.add("dir " + directory.getFileName() + " dir=" + names(directory));
        }

        static List<String> names(Path dir) throws IOException {
            try (Stream<Path> files = Files.list(dir)) {
                return files.map(p -> p.getFileName().toString()).sorted().toList();
            }
        }
    }

    static QueuedEmail email(String id) {
        return QueuedEmail.accept(id, 2, Instant.parse("2026-11-28T10:00:00Z"), 3,
                EmailMessage.of("user@example.com", "Hello", "Body", null), null);
    }

    @Test
    void writePendingReturnsOnlyAfterTheFileAndItsNameAreSynced() throws IOException {
        var fsync = new RecordingFsync();
        var files = new QueueFiles(data, fsync);
        QueuedEmail email = email("batch_1795000000000_0000000a");

        files.writePending(email);

        byte[] expected = new QueueJson().write(email);
        Path written = data.resolve("queue/batch_1795000000000_0000000a.json");
        assertEquals(List.of(
                "file .tmp-batch_1795000000000_0000000a.json size=" + expected.length
                        + " dir=[.tmp-batch_1795000000000_0000000a.json]",
                "dir queue dir=[batch_1795000000000_0000000a.json]"),
                fsync.events.stream().map(e -> e.replaceAll("\\.json\\.[0-9a-f]+", ".json")).toList(),
                "the content is synced under the temp name, then the rename, then the directory");
        assertEquals(email, new QueueJson().read(Files.readAllBytes(written)));
        assertEquals(List.of("batch_1795000000000_0000000a.json"), RecordingFsync.names(data.resolve("queue")),
                "no temp file is left behind");
    }

    @Test
    void claimRenamesToProcessingAndOnlyOneClaimWins() throws IOException {
        var files = new QueueFiles(data, new Fsync());
        files.writePending(email("batch_1795000000000_0000000b"));

        QueuedEmail first = files.claim("batch_1795000000000_0000000b");
        QueuedEmail second = files.claim("batch_1795000000000_0000000b");

        assertNotNull(first);
        assertNull(second, "a claimed email cannot be claimed again");
        assertEquals(List.of("batch_1795000000000_0000000b.processing.json"),
                RecordingFsync.names(data.resolve("queue")));
    }

    @Test
    void sentEmailsMoveToTheTrashWithTheirAttempt() throws IOException {
        var files = new QueueFiles(data, new Fsync());
        files.writePending(email("batch_1795000000000_0000000c"));
        QueuedEmail claimed = files.claim("batch_1795000000000_0000000c");
        var attempt = new Attempt(Instant.parse("2026-11-28T10:00:01Z"), Attempt.Outcome.SENT, 250, "accepted", null);

        files.moveToTrash(claimed.withAttempt(attempt));

        assertEquals(List.of(), RecordingFsync.names(data.resolve("queue")));
        QueuedEmail trashed = new QueueJson().read(
                Files.readAllBytes(data.resolve("trash/batch_1795000000000_0000000c.json")));
        assertEquals(List.of(attempt), trashed.attempts());
    }

    @Test
    void recoveryRequeuesClaimedEmailsRemovesTempFilesAndSetsCorruptOnesAside() throws IOException {
        var files = new QueueFiles(data, new Fsync());
        files.writePending(email("batch_1795000000000_00000001"));
        files.writePending(email("batch_1795000000000_00000002"));
        files.claim("batch_1795000000000_00000002");
        Files.writeString(data.resolve("queue/.tmp-batch_1795000000000_00000003.json"), "{\"half");
        Files.writeString(data.resolve("queue/batch_1795000000000_00000004.json"), "not json");
        Files.writeString(data.resolve("queue/batch_1795000000000_00000005.json"),
                "{\"version\": 99, \"id\": \"batch_1795000000000_00000005\"}");

        var recovered = new ArrayList<String>();
        var log = new ArrayList<String>();
        new StartUpRepair(new QueueFiles(data, new Fsync())).recover(e -> recovered.add(e.id()), log::add);

        Collections.sort(recovered);
        assertEquals(List.of("batch_1795000000000_00000001", "batch_1795000000000_00000002"), recovered,
                "the claimed email comes back; it is never trashed");
        assertEquals(List.of("batch_1795000000000_00000001.json", "batch_1795000000000_00000002.json"),
                RecordingFsync.names(data.resolve("queue")));
        assertTrue(Files.readString(data.resolve("corrupt/batch_1795000000000_00000004.json.reason.txt"))
                .contains("unparsable JSON"));
        assertTrue(Files.readString(data.resolve("corrupt/batch_1795000000000_00000005.json.reason.txt"))
                .contains("unknown format version 99"));
        assertTrue(log.stream().anyMatch(l -> l.contains("requeued batch_1795000000000_00000002")));
    }

    @Test
    void aClaimWhoseEmailWasAlreadySentIsDroppedNotResent() throws IOException {
        var files = new QueueFiles(data, new Fsync());
        QueuedEmail email = email("batch_1795000000000_00000006");
        files.writePending(email);
        files.claim(email.id());
        // The crash came after the trash copy was written but before the claim was removed.
        Files.write(data.resolve("trash/" + email.id() + ".json"), new QueueJson().write(email));

        var recovered = new ArrayList<String>();
        new StartUpRepair(files).recover(e -> recovered.add(e.id()), m -> { });

        assertEquals(List.of(), recovered);
        assertFalse(Files.exists(data.resolve("queue/" + email.id() + ".processing.json")));
    }

    @Test
    void theTrashKeepsOnlyWhatIsYoungerThanTheRetention() throws IOException {
        var files = new QueueFiles(data, new Fsync());
        for (String id : List.of("batch_1795000000000_00000007", "batch_1795000000000_00000008")) {
            files.writePending(email(id));
            files.moveToTrash(files.claim(id));
        }
        Path old = data.resolve("trash/batch_1795000000000_00000007.json");
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(Instant.now().minus(java.time.Duration.ofDays(8))));

        int purged = files.purgeTrash(Instant.now().minus(java.time.Duration.ofDays(7)));

        assertEquals(1, purged);
        assertEquals(List.of("batch_1795000000000_00000008.json"), RecordingFsync.names(data.resolve("trash")));
    }

    @Test
    void anErrorWhileReadingAClaimedEmailPutsItBackAsPending() throws IOException {
        var failing = new QueueJson() {
            @Override
            public QueuedEmail read(byte[] content) {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        var files = new QueueFiles(data, new Fsync(), failing);
        files.writePending(email("batch_1795000000000_0000000e"));

        assertThrows(OutOfMemoryError.class,
                () -> files.claim("batch_1795000000000_0000000e"));

        assertEquals(List.of("batch_1795000000000_0000000e.json"), RecordingFsync.names(data.resolve("queue")),
                "back to pending, not stuck in processing until a restart");
        assertNotNull(new QueueFiles(data, new Fsync()).claim("batch_1795000000000_0000000e"));
    }
}
