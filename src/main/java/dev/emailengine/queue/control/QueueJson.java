package dev.emailengine.queue.control;

import dev.emailengine.queue.entity.QueuedEmail;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.config.PropertyNamingStrategy;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The on-disk JSON of a queue file: snake_case like the REST API, one shared thread-safe Jsonb. */
public class QueueJson {

    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));

    public byte[] write(QueuedEmail email) {
        return jsonb.toJson(email).getBytes(StandardCharsets.UTF_8);
    }

    /** A bulk journal: {@code {"version": 1, "emails": [queue file, ...]}}. */
    public record Journal(int version, List<QueuedEmail> emails) {
    }

    /** @throws CorruptQueueFileException when the bytes are not a journal this version understands */
    public List<QueuedEmail> readJournal(byte[] content) {
        Journal journal;
        try {
            journal = jsonb.fromJson(new String(content, StandardCharsets.UTF_8), Journal.class);
        } catch (JsonbException | IllegalArgumentException e) {
            throw new CorruptQueueFileException("unparsable JSON: " + e.getMessage());
        }
        if (journal == null || journal.version() != 1 || journal.emails() == null) {
            throw new CorruptQueueFileException("not a version 1 bulk journal");
        }
        for (QueuedEmail email : journal.emails()) {
            check(email);
        }
        return journal.emails();
    }

    /** @throws CorruptQueueFileException when the bytes are not a queue file this version understands */
    public QueuedEmail read(byte[] content) {
        QueuedEmail email;
        try {
            email = jsonb.fromJson(new String(content, StandardCharsets.UTF_8), QueuedEmail.class);
        } catch (JsonbException | IllegalArgumentException e) {
            throw new CorruptQueueFileException("unparsable JSON: " + e.getMessage());
        }
        check(email);
        return email;
    }

    private static void check(QueuedEmail email) {
        if (email == null || email.version() != QueuedEmail.CURRENT_VERSION) {
            throw new CorruptQueueFileException("unknown format version "
                    + (email == null ? "null" : email.version()));
        }
        if (email.id() == null || email.message() == null || email.message().toEmail() == null) {
            throw new CorruptQueueFileException("missing id, message or recipient");
        }
    }
}
