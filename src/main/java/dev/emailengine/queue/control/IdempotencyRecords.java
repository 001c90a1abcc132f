package dev.emailengine.queue.control;

import dev.emailengine.platform.DurableFiles;
import dev.emailengine.platform.Fsync;
import dev.emailengine.queue.entity.IdempotencyRecord;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.config.PropertyNamingStrategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The lookup copy of each idempotency record, one small file per key under
 * {@code DATA_DIR/idempotency/<key hash>.json}, written durably before the emails become
 * claimable. The record is also written with the emails themselves (in the pending file or the
 * bulk journal, the same durable write), so a crash between the two cannot keep the emails
 * without their key: start-up re-creates a lookup file the crash prevented.
 * <p>
 * Memory stays bounded however many keys clients use and however many emails a key queued: at
 * most {@code cacheSize} keys are held, each as its request hash and time only (least recently
 * used go first). Any other key is looked up on disk by its hash, and the ids a repeat is answered
 * with are always read from disk.
 */
public class IdempotencyRecords {

    private static final String SUFFIX = ".json";
    private static final Pattern KEY_HASH = Pattern.compile("[0-9a-f]{64}");

    private final Path dir;
    private final Duration ttl;
    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));
    private final DurableFiles durable;
    private final Map<String, Known> cache;

    /** What is kept of a key in memory: enough to refuse a different request without a disk read. */
    private record Known(String requestHash, Instant createdAt) {
    }

    public IdempotencyRecords(Path dataDir, Duration ttl, int cacheSize, Fsync fsync) {
        this.dir = dataDir.resolve("idempotency");
        this.ttl = ttl;
        this.durable = new DurableFiles(fsync);
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
                return size() > cacheSize;
            }
        };
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /**
     * The unexpired record of a key hash. A request hash other than {@code requestHash} is
     * answered from memory; the record of the same request (a repeat, to be answered with its
     * ids) is read from disk.
     */
    public Optional<IdempotencyRecord> find(String keyHash, String requestHash, Instant now) {
        if (!KEY_HASH.matcher(keyHash).matches()) {
            return Optional.empty();
        }
        Known known;
        synchronized (cache) {
            known = cache.get(keyHash);
        }
        if (known != null && isExpired(known.createdAt(), now)) {
            return Optional.empty();
        }
        if (known != null && !known.requestHash().equals(requestHash)) {
            return Optional.of(new IdempotencyRecord(keyHash, known.requestHash(), known.createdAt(), List.of()));
        }
        IdempotencyRecord record = read(dir.resolve(keyHash + SUFFIX));
        if (record == null || isExpired(record.createdAt(), now)) {
            return Optional.empty();
        }
        synchronized (cache) {
            cache.put(keyHash, new Known(record.requestHash(), record.createdAt()));
        }
        return Optional.of(record);
    }

    /**
     * Called by the queue between the durable write of the emails and making them claimable:
     * from then on the key is found, even if this throws (memory) and after a power cut (disk).
     */
    void remember(IdempotencyRecord record) throws IOException {
        synchronized (cache) {
            cache.put(record.keyHash(), new Known(record.requestHash(), record.createdAt()));
        }
        String name = record.keyHash() + SUFFIX;
        Path temp = durable.writeTemp(dir, name, jsonb.toJson(record).getBytes(StandardCharsets.UTF_8));
        // The file's time is the record's: the purge reads times, not contents.
        Files.setLastModifiedTime(temp, FileTime.from(record.createdAt()));
        Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        durable.fsync().directory(dir);
    }

    /** Start-up: the record of a still-queued email or bulk, re-created when a power cut lost its file. */
    void restore(IdempotencyRecord record, Instant now) throws IOException {
        if (record.keyHash() == null || !KEY_HASH.matcher(record.keyHash()).matches()
                || isExpired(record.createdAt(), now)) {
            return;
        }
        IdempotencyRecord onDisk = read(dir.resolve(record.keyHash() + SUFFIX));
        if (onDisk == null || onDisk.createdAt().isBefore(record.createdAt())) {
            remember(record);
        }
    }

    /** Start-up: removes temp files a crash left; they are never read as records. */
    void removeTemps(Consumer<String> log) throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, DurableFiles.TEMP_PREFIX + "*")) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
                log.accept("removed temp file idempotency/" + temp.getFileName() + " left by a crash");
            }
        }
    }

    /** Deletes records older than the TTL (by file time, without reading them); returns how many. */
    public int purgeExpired(Instant now) throws IOException {
        Instant cutoff = now.minus(ttl);
        int purged = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                if (file.getFileName().toString().startsWith(".")) {
                    continue;
                }
                try {
                    if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
                        Files.delete(file);
                        purged++;
                    }
                } catch (NoSuchFileException e) {
                    // replaced or removed meanwhile
                }
            }
        }
        synchronized (cache) {
            cache.values().removeIf(known -> isExpired(known.createdAt(), now));
        }
        return purged;
    }

    public Duration ttl() {
        return ttl;
    }

    private boolean isExpired(Instant createdAt, Instant now) {
        return createdAt.plus(ttl).isBefore(now);
    }

    private IdempotencyRecord read(Path file) {
        try {
            IdempotencyRecord record = jsonb.fromJson(Files.readString(file, StandardCharsets.UTF_8),
                    IdempotencyRecord.class);
            // Records of an earlier release (without ids) cannot rebuild an answer: treated as none.
            return record == null || record.requestHash() == null || record.createdAt() == null
                    || record.ids().isEmpty() ? null : record;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | JsonbException e) {
            // A record torn by a crash is as good as none: the email's own copy restores it at start-up.
            return null;
        }
    }
}
