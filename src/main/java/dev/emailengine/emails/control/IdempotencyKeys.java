package dev.emailengine.emails.control;

import dev.emailengine.JsonConfiguration;
import dev.emailengine.emails.entity.IdempotencyRecord;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.control.DurableFiles;
import dev.emailengine.queue.control.Durations;
import dev.emailengine.queue.control.Fsync;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code Idempotency-Key}: the first successful answer for a key is stored durably under
 * {@code data/idempotency/} and replayed, byte for byte, to any repeat with the same request
 * body within {@code IDEMPOTENCY_TTL}; the same key with another body is a 422, and a repeat
 * that arrives while the first is still running gets a 409. The record is written after the
 * emails, never before, so a crash between the two can cause a duplicate but never a lost email.
 */
@ApplicationScoped
public class IdempotencyKeys {

    private static final System.Logger LOG = System.getLogger(IdempotencyKeys.class.getName());
    public static final String HEADER = "Idempotency-Key";
    static final int MAX_KEY_LENGTH = 255;

    @Inject
    @ConfigProperty(name = "data.dir", defaultValue = "./data")
    String dataDir;

    @Inject
    @ConfigProperty(name = "idempotency.ttl", defaultValue = "24h")
    String ttlText;

    Clock clock = Clock.systemUTC();

    private final Jsonb jsonb = JsonConfiguration.snakeCase();
    private final Map<String, IdempotencyRecord> records = new HashMap<>();
    private final Set<String> inFlight = new HashSet<>();
    private DurableFiles files;
    private Path directory;
    private Duration ttl;
    private Instant lastPurge = Instant.EPOCH;

    @PostConstruct
    void load() {
        ttl = Durations.parse("IDEMPOTENCY_TTL", ttlText);
        directory = Path.of(dataDir).toAbsolutePath().normalize().resolve("idempotency");
        files = new DurableFiles(new Fsync());
        try {
            Files.createDirectories(directory);
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.json")) {
                for (Path file : stream) {
                    read(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read idempotency records under " + directory, e);
        }
        purgeExpired();
    }

    /**
     * Runs {@code action} once per key: its result is serialised as the answer, remembered when a
     * key was given, and replayed for repeats. Without a key the action simply runs.
     */
    public String answer(String key, String scope, byte[] body, Supplier<Object> action) {
        if (key == null) {
            return jsonb.toJson(action.get());
        }
        checkKey(key);
        String keyHash = sha256(key.getBytes(StandardCharsets.UTF_8));
        String requestHash = sha256(scope, body);
        synchronized (this) {
            IdempotencyRecord earlier = records.get(keyHash);
            if (earlier != null && !isExpired(earlier)) {
                if (earlier.requestHash().equals(requestHash)) {
                    LOG.log(Level.INFO, "repeat of an idempotent request answered from its first response");
                    return earlier.response();
                }
                throw new InvalidInputException(422, "Idempotency-Key reused",
                        List.of(new FieldError(HEADER, "was used for a different request within IDEMPOTENCY_TTL (" + ttlText + ")")));
            }
            if (!inFlight.add(keyHash)) {
                throw new InvalidInputException(409, "Request in progress",
                        List.of(new FieldError(HEADER, "a request with this key is still being processed")));
            }
        }
        try {
            String response = jsonb.toJson(action.get());
            remember(keyHash, new IdempotencyRecord(key, requestHash, clock.instant(), response));
            return response;
        } finally {
            synchronized (this) {
                inFlight.remove(keyHash);
            }
        }
    }

    private void remember(String keyHash, IdempotencyRecord record) {
        try {
            files.write(directory, keyHash + ".json", jsonb.toJson(record).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The emails are queued; failing the request now would invite the duplicate we exist to prevent.
            LOG.log(Level.ERROR, "could not store an idempotency record; a repeat would be queued again: {0}",
                    e.getMessage());
        }
        synchronized (this) {
            records.put(keyHash, record);
        }
        if (Duration.between(lastPurge, clock.instant()).compareTo(Duration.ofMinutes(10)) > 0) {
            purgeExpired();
        }
    }

    private void read(Path file) {
        String name = file.getFileName().toString();
        try {
            IdempotencyRecord record = jsonb.fromJson(Files.readString(file), IdempotencyRecord.class);
            if (record != null && record.requestHash() != null && record.createdAt() != null) {
                records.put(name.substring(0, name.length() - ".json".length()), record);
                return;
            }
        } catch (IOException | JsonbException e) {
            LOG.log(Level.WARNING, "ignoring unreadable idempotency record {0}: {1}", name, e.getMessage());
            return;
        }
        LOG.log(Level.WARNING, "ignoring incomplete idempotency record {0}", name);
    }

    private synchronized void purgeExpired() {
        lastPurge = clock.instant();
        var expired = records.entrySet().stream().filter(e -> isExpired(e.getValue())).map(Map.Entry::getKey).toList();
        for (String keyHash : expired) {
            records.remove(keyHash);
            try {
                Files.deleteIfExists(directory.resolve(keyHash + ".json"));
            } catch (IOException e) {
                LOG.log(Level.WARNING, "could not delete expired idempotency record {0}: {1}", keyHash, e.getMessage());
            }
        }
    }

    private boolean isExpired(IdempotencyRecord record) {
        return record.createdAt().plus(ttl).isBefore(clock.instant());
    }

    /** Printable ASCII without spaces, as the IETF draft and every major API expect. */
    private static void checkKey(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw InvalidInputException.badRequest(HEADER,
                    "must be 1 to " + MAX_KEY_LENGTH + " printable ASCII characters without spaces");
        }
    }

    private static String sha256(String scope, byte[] body) {
        byte[] scopeBytes = (scope + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[scopeBytes.length + body.length];
        System.arraycopy(scopeBytes, 0, all, 0, scopeBytes.length);
        System.arraycopy(body, 0, all, scopeBytes.length, body.length);
        return sha256(all);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
