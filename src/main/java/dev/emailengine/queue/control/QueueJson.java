package dev.emailengine.queue.control;

import static dev.emailengine.platform.JsonConfiguration.JSON;

import dev.emailengine.queue.entity.Attachment;
import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.IdempotencyRecord;
import dev.emailengine.queue.entity.QueuedEmail;
import dev.emailengine.queue.entity.Recipient;
import jakarta.json.JsonException;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The on-disk JSON of a queue file, snake_case like the REST API. Written with a streaming
 * generator: JSON-B's recursion check hashes every record on the way, bodies included, which
 * profiling showed as the largest cost of a bulk enqueue. Read with one shared JSON-B; nulls are
 * left out either way.
 */
public class QueueJson {

    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));

    public byte[] write(QueuedEmail email) {
        return write(email, null);
    }

    /**
     * @param idempotency the record of the request that queued this email, kept in its pending file
     *            so that the email and its key are made durable by one write; or null
     */
    public byte[] write(QueuedEmail email, IdempotencyRecord idempotency) {
        var out = new ByteArrayOutputStream(512 + size(email.message()));
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject()
                    .write("version", email.version())
                    .write("id", email.id())
                    .write("priority", email.priority());
            instant(json, "created_at", email.createdAt());
            json.write("retry_count", email.retryCount()).write("max_retries", email.maxRetries());
            instant(json, "next_attempt_at", email.nextAttemptAt());
            message(json, email.message());
            text(json, "template_name", email.templateName());
            json.writeStartArray("attempts");
            for (Attempt attempt : email.attempts()) {
                json.writeStartObject();
                instant(json, "at", attempt.at());
                text(json, "outcome", attempt.outcome() == null ? null : attempt.outcome().name());
                if (attempt.smtpCode() != null) {
                    json.write("smtp_code", attempt.smtpCode());
                }
                text(json, "enhanced_status", attempt.enhancedStatus());
                text(json, "message", attempt.message());
                if (attempt.count() != null) {
                    json.write("count", attempt.count());
                }
                instant(json, "first_at", attempt.firstAt());
                json.writeEnd();
            }
            json.writeEnd();
            recipients(json, email.recipients());
            if (idempotency != null) {
                idempotency(json, "idempotency", idempotency);
            }
            json.writeEnd();
        }
        return out.toByteArray();
    }

    /** Left out while empty (not tried yet), so files stay as small and as readable by older releases as before. */
    private static void recipients(JsonGenerator json, List<Recipient> recipients) {
        if (recipients.isEmpty()) {
            return;
        }
        json.writeStartArray("recipients");
        for (Recipient r : recipients) {
            json.writeStartObject();
            text(json, "address", r.address());
            text(json, "kind", r.kind() == null ? null : r.kind().name());
            text(json, "state", r.state() == null ? null : r.state().name());
            text(json, "reply", r.reply());
            text(json, "enhanced_status", r.enhancedStatus());
            instant(json, "updated_at", r.updatedAt());
            json.writeEnd();
        }
        json.writeEnd();
    }

    /** An idempotency record as a JSON object, for the head of a bulk journal. */
    public String idempotency(IdempotencyRecord record) {
        var out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            idempotency(json, null, record);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void idempotency(JsonGenerator json, String name, IdempotencyRecord record) {
        if (name == null) {
            json.writeStartObject();
        } else {
            json.writeStartObject(name);
        }
        json.write("key_hash", record.keyHash()).write("request_hash", record.requestHash());
        instant(json, "created_at", record.createdAt());
        list(json, "ids", record.ids());
        json.writeEnd();
    }

    private static IdempotencyRecord readIdempotency(JsonParser json) {
        String keyHash = null;
        String requestHash = null;
        Instant createdAt = null;
        var ids = new ArrayList<String>();
        while (json.next() == JsonParser.Event.KEY_NAME) {
            String key = json.getString();
            JsonParser.Event value = json.next();
            switch (key) {
                case "key_hash" -> keyHash = value == JsonParser.Event.VALUE_STRING ? json.getString() : null;
                case "request_hash" -> requestHash = value == JsonParser.Event.VALUE_STRING ? json.getString() : null;
                case "created_at" -> createdAt = instant(json, value);
                case "ids" -> {
                    if (value == JsonParser.Event.START_ARRAY) {
                        while (json.next() == JsonParser.Event.VALUE_STRING) {
                            ids.add(json.getString());
                        }
                    } else {
                        QueueJsonReader.skip(json, value);
                    }
                }
                default -> QueueJsonReader.skip(json, value);
            }
        }
        return keyHash == null || requestHash == null || createdAt == null ? null
                : new IdempotencyRecord(keyHash, requestHash, createdAt, ids);
    }

    private static void message(JsonGenerator json, EmailMessage m) {
        json.writeStartObject("message");
        text(json, "to_email", m.toEmail());
        text(json, "subject", m.subject());
        text(json, "text_body", m.textBody());
        text(json, "html_body", m.htmlBody());
        text(json, "from_name", m.fromName());
        list(json, "cc", m.cc());
        list(json, "bcc", m.bcc());
        list(json, "reply_to", m.replyTo());
        json.writeStartObject("headers");
        m.headers().forEach(json::write);
        json.writeEnd();
        json.writeStartArray("attachments");
        for (Attachment a : m.attachments()) {
            json.writeStartObject();
            text(json, "filename", a.filename());
            text(json, "content_type", a.contentType());
            text(json, "content_base64", a.contentBase64());
            json.writeEnd();
        }
        json.writeEnd().writeEnd();
    }

    private static void list(JsonGenerator json, String name, List<String> values) {
        json.writeStartArray(name);
        values.forEach(json::write);
        json.writeEnd();
    }

    private static void text(JsonGenerator json, String name, String value) {
        if (value != null) {
            json.write(name, value);
        }
    }

    private static void instant(JsonGenerator json, String name, Instant value) {
        if (value != null) {
            json.write(name, value.toString());
        }
    }

    private static int size(EmailMessage m) {
        return (m.textBody() == null ? 0 : m.textBody().length()) + (m.htmlBody() == null ? 0 : m.htmlBody().length());
    }

    /** What the in-memory index needs of a queue file. */
    public record Summary(String id, int priority, Instant createdAt, Instant nextAttemptAt, int retryCount,
            IdempotencyRecord idempotency) {
    }

    /**
     * Reads only the index fields, streaming past bodies and attempts without building them: at
     * start-up with 100,000 files, building whole records was most of the time and the memory.
     * Checks what {@link #read} checks.
     *
     * @throws CorruptQueueFileException when the bytes are not a queue file this version understands
     */
    public Summary readSummary(byte[] content) {
        int version = -1;
        int priority = 2;
        int retryCount = 0;
        String id = null;
        Instant createdAt = null;
        Instant nextAttemptAt = null;
        boolean hasRecipient = false;
        IdempotencyRecord idempotency = null;
        try (JsonParser json = JSON.createParser(new ByteArrayInputStream(content))) {
            if (json.next() != JsonParser.Event.START_OBJECT) {
                throw new CorruptQueueFileException("not a JSON object");
            }
            while (json.next() == JsonParser.Event.KEY_NAME) {
                String key = json.getString();
                JsonParser.Event value = json.next();
                switch (key) {
                    case "version" -> version = number(json, value);
                    case "id" -> id = value == JsonParser.Event.VALUE_STRING ? json.getString() : null;
                    case "priority" -> priority = number(json, value);
                    case "retry_count" -> retryCount = number(json, value);
                    case "created_at" -> createdAt = instant(json, value);
                    case "next_attempt_at" -> nextAttemptAt = instant(json, value);
                    case "message" -> hasRecipient = value == JsonParser.Event.START_OBJECT && hasRecipient(json);
                    case "idempotency" -> idempotency = value == JsonParser.Event.START_OBJECT ? readIdempotency(json)
                            : null;
                    default -> QueueJsonReader.skip(json, value);
                }
            }
        } catch (JsonException | DateTimeParseException | NoSuchElementException e) {
            throw new CorruptQueueFileException("unparsable JSON: " + e.getMessage());
        }
        if (version < 1 || version > QueuedEmail.CURRENT_VERSION) {
            throw new CorruptQueueFileException("unknown format version " + version, version > QueuedEmail.CURRENT_VERSION);
        }
        if (id == null || !hasRecipient || createdAt == null || nextAttemptAt == null) {
            throw new CorruptQueueFileException("missing id, message, recipient or times");
        }
        return new Summary(id, priority, createdAt, nextAttemptAt, retryCount, idempotency);
    }

    private static boolean hasRecipient(JsonParser json) {
        boolean found = false;
        while (json.next() == JsonParser.Event.KEY_NAME) {
            String key = json.getString();
            JsonParser.Event value = json.next();
            if (key.equals("to_email") && value == JsonParser.Event.VALUE_STRING) {
                found = true;
            } else {
                QueueJsonReader.skip(json, value);
            }
        }
        return found;
    }

    private static int number(JsonParser json, JsonParser.Event value) {
        if (value != JsonParser.Event.VALUE_NUMBER) {
            throw new CorruptQueueFileException("a number field is not a number");
        }
        return json.getInt();
    }

    private static Instant instant(JsonParser json, JsonParser.Event value) {
        return value == JsonParser.Event.VALUE_STRING ? Instant.parse(json.getString()) : null;
    }

    /** A bulk journal: {@code {"version": 1, "emails": [queue file, ...]}}. */
    public record Journal(int version, IdempotencyRecord idempotency, List<QueuedEmail> emails) {
    }

    /** @throws CorruptQueueFileException when the bytes are not a journal this version understands */
    public Journal readJournal(byte[] content) {
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
        return journal;
    }

    /**
     * Reads a whole queue file with the streaming parser, as {@link #write} writes it: every claim
     * reads one, and JSON-B's reflective binding was the largest cost of a delivery after SMTP
     * itself. Unknown fields are skipped (a newer release may add some); a field of the wrong type
     * makes the file corrupt, as it did under JSON-B.
     *
     * @throws CorruptQueueFileException when the bytes are not a queue file this version understands
     */
    public QueuedEmail read(byte[] content) {
        QueuedEmail email;
        try (JsonParser json = JSON.createParser(new ByteArrayInputStream(content))) {
            if (json.next() != JsonParser.Event.START_OBJECT) {
                throw new CorruptQueueFileException("not a JSON object");
            }
            email = QueueJsonReader.email(json);
        } catch (JsonException | DateTimeParseException | NoSuchElementException | IllegalArgumentException
                | IllegalStateException e) {
            throw new CorruptQueueFileException("unparsable JSON: " + e.getMessage());
        }
        check(email);
        return email;
    }

    private static void check(QueuedEmail email) {
        if (email == null || email.version() < 1 || email.version() > QueuedEmail.CURRENT_VERSION) {
            throw new CorruptQueueFileException("unknown format version " + (email == null ? "null" : email.version()),
                    email != null && email.version() > QueuedEmail.CURRENT_VERSION);
        }
        if (email.id() == null || email.message() == null || email.message().toEmail() == null) {
            throw new CorruptQueueFileException("missing id, message or recipient");
        }
    }
}
