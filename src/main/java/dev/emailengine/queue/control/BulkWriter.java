package dev.emailengine.queue.control;

import dev.emailengine.queue.entity.QueuedEmail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Writes a bulk of emails into the queue directory under the cover of one journal. */
final class BulkWriter {

    private BulkWriter() {
    }

    /**
     * Bulk enqueue, all or nothing, with one fsync for the lot. Each email is encoded once and
     * written twice, into the journal stream and under a temp name in the queue, so only one
     * encoded email is in memory at a time; once the journal is durable the temp files are renamed
     * to pending without fsyncs of their own (see {@link BulkJournals}). On failure every file
     * written is removed and the journal discarded, so a 503 leaves nothing a restart would send.
     *
     * @param idempotencyJson the request's idempotency record, kept in the journal, or null
     * @return the journal's name
     */
    static String write(QueueFiles files, List<QueuedEmail> emails, BulkJournals journals, String idempotencyJson)
            throws IOException {
        Path queue = files.queue();
        var staged = new ArrayList<Path>(emails.size());
        String journal = null;
        int published = 0;
        try {
            try (BulkJournals.Writer writer = journals.open(emails.get(0).id(), idempotencyJson)) {
                for (QueuedEmail email : emails) {
                    byte[] encoded = files.json().write(email);
                    writer.add(encoded);
                    Path temp = queue.resolve(QueueFiles.TEMP_PREFIX + email.id() + QueueFiles.PENDING);
                    Files.write(temp, encoded);
                    staged.add(temp);
                }
                journal = writer.commit();
            }
            for (; published < emails.size(); published++) {
                Files.move(staged.get(published), queue.resolve(emails.get(published).id() + QueueFiles.PENDING),
                        StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException | RuntimeException e) {
            // Every file goes, even if one delete fails, and the journal last: while any pending
            // file might remain, the journal must not (a restart would treat it as accepted).
            for (int i = 0; i < staged.size(); i++) {
                deleteQuietly(i < published ? queue.resolve(emails.get(i).id() + QueueFiles.PENDING) : staged.get(i), e);
            }
            if (journal != null) {
                try {
                    files.fsync().directory(queue);
                    journals.discard(journal);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
        return journal;
    }

    private static void deleteQuietly(Path file, Exception failure) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
