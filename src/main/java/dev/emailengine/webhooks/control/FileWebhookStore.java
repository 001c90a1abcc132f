package dev.emailengine.webhooks.control;

import dev.emailengine.platform.DurableFiles;
import dev.emailengine.platform.JsonConfiguration;
import dev.emailengine.webhooks.entity.Delivery;
import dev.emailengine.webhooks.entity.DeliveryAttempt;
import dev.emailengine.webhooks.entity.WebhookEndpoint;
import dev.emailengine.webhooks.entity.WebhookEvent;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Endpoints and the outbox as small JSON files under {@code DATA_DIR/webhooks/}:
 * {@code endpoints/<id>.json}, {@code outbox/<event>.<endpoint>.json} while a delivery is owed,
 * {@code done/<event>.<endpoint>.json} once delivered or given up (kept for replay until
 * purged). Written like the queue's files (temp, fsync, rename, directory fsync); directories
 * 0700 and files 0600, since endpoints hold their signing secrets. One instance owns the
 * directory, so claims are kept in memory and the owed deliveries are indexed in memory,
 * rebuilt from {@code outbox/} at start-up: a restart makes every owed delivery due again.
 */
public class FileWebhookStore implements WebhookStore {

    private static final System.Logger LOG = System.getLogger(FileWebhookStore.class.getName());
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)?\\.json");
    private static final String SUFFIX = ".json";

    private final Path root;
    private final Path endpointsDir;
    private final Path outboxDir;
    private final Path doneDir;
    private final DurableFiles files;
    private final boolean posix;
    private final Jsonb jsonb = JsonConfiguration.snakeCase();
    /** Owed deliveries by key; guarded by {@code this}, as are the files. */
    private final Map<String, OutboxEntry> owed = new HashMap<>();
    /** Claimed deliveries and when their lease ends. */
    private final Map<String, Instant> leases = new HashMap<>();

    public FileWebhookStore(Path root, DurableFiles files) {
        this.root = root;
        this.endpointsDir = root.resolve("endpoints");
        this.outboxDir = root.resolve("outbox");
        this.doneDir = root.resolve("done");
        this.files = files;
        this.posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            for (Path dir : List.of(root, endpointsDir, outboxDir, doneDir)) {
                createDirectory(dir);
            }
            load();
        } catch (IOException e) {
            throw new WebhookStorageException("could not open the webhook store in " + root + ": " + e, e);
        }
    }

    private void load() throws IOException {
        for (Path dir : List.of(endpointsDir, outboxDir, doneDir)) {
            // A crash mid-write leaves a temp file: never renamed, so never acted on.
            try (Stream<Path> listing = Files.list(dir)) {
                for (Path temp : listing.filter(p -> p.getFileName().toString().startsWith(DurableFiles.TEMP_PREFIX))
                        .toList()) {
                    Files.deleteIfExists(temp);
                }
            }
        }
        for (Path file : list(outboxDir)) {
            String name = file.getFileName().toString();
            if (Files.exists(doneDir.resolve(name))) {
                // A crash between writing the finished copy and removing the owed one.
                Files.deleteIfExists(file);
                continue;
            }
            read(file, OutboxEntry.class).ifPresent(entry -> owed.put(entry.key(), entry));
        }
    }

    @Override
    public synchronized boolean addEndpoint(WebhookEndpoint endpoint, int max) {
        try {
            if (list(endpointsDir).size() >= max) {
                return false;
            }
            write(endpointsDir, endpoint.id() + SUFFIX, jsonb.toJson(endpoint), true);
            return true;
        } catch (IOException e) {
            throw failure("could not add a webhook endpoint", e);
        }
    }

    @Override
    public synchronized List<WebhookEndpoint> endpoints() {
        try {
            var endpoints = new ArrayList<WebhookEndpoint>();
            for (Path file : list(endpointsDir)) {
                read(file, WebhookEndpoint.class).ifPresent(endpoints::add);
            }
            endpoints.sort(Comparator.comparing(WebhookEndpoint::createdAt).thenComparing(WebhookEndpoint::id));
            return endpoints;
        } catch (IOException e) {
            throw failure("could not read the webhook endpoints", e);
        }
    }

    @Override
    public synchronized Optional<WebhookEndpoint> endpoint(String id) {
        if (!NAME.matcher(id + SUFFIX).matches()) {
            return Optional.empty();
        }
        try {
            return read(endpointsDir.resolve(id + SUFFIX), WebhookEndpoint.class);
        } catch (IOException e) {
            throw failure("could not read a webhook endpoint", e);
        }
    }

    @Override
    public synchronized boolean updateEndpoint(WebhookEndpoint endpoint) {
        try {
            if (!Files.exists(endpointsDir.resolve(endpoint.id() + SUFFIX))) {
                return false;
            }
            write(endpointsDir, endpoint.id() + SUFFIX, jsonb.toJson(endpoint), false);
            return true;
        } catch (IOException e) {
            throw failure("could not change a webhook endpoint", e);
        }
    }

    @Override
    public synchronized boolean removeEndpoint(String id) {
        if (!NAME.matcher(id + SUFFIX).matches()) {
            return false;
        }
        try {
            if (!Files.deleteIfExists(endpointsDir.resolve(id + SUFFIX))) {
                return false;
            }
            files.fsync().directory(endpointsDir);
            String suffix = "." + id + SUFFIX;
            for (Path dir : List.of(outboxDir, doneDir)) {
                for (Path file : list(dir)) {
                    if (file.getFileName().toString().endsWith(suffix)) {
                        Files.deleteIfExists(file);
                    }
                }
                files.fsync().directory(dir);
            }
            owed.values().removeIf(entry -> entry.endpointId().equals(id));
            return true;
        } catch (IOException e) {
            throw failure("could not remove a webhook endpoint", e);
        }
    }

    @Override
    public synchronized void record(WebhookEvent event, Collection<String> endpointIds, Instant due) {
        try {
            var written = new ArrayList<OutboxEntry>();
            for (String endpointId : endpointIds) {
                OutboxEntry entry = OutboxEntry.of(event, endpointId, due);
                Path temp = files.writeTemp(outboxDir, entry.key() + SUFFIX, bytes(jsonb.toJson(entry)));
                restrict(temp);
                Files.move(temp, outboxDir.resolve(entry.key() + SUFFIX), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                written.add(entry);
            }
            // One directory sync for the event's files, whatever the number of endpoints.
            files.fsync().directory(outboxDir);
            written.forEach(entry -> owed.put(entry.key(), entry));
        } catch (IOException e) {
            throw failure("could not record webhook event " + event.id(), e);
        }
    }

    @Override
    public synchronized List<Delivery> claim(Instant now, int limit, Duration lease) {
        leases.values().removeIf(until -> !until.isAfter(now));
        List<OutboxEntry> due = owed.values().stream()
                .filter(entry -> !entry.nextAttemptAt().isAfter(now) && !leases.containsKey(entry.key()))
                .sorted(Comparator.comparing(OutboxEntry::nextAttemptAt)).limit(limit).toList();
        due.forEach(entry -> leases.put(entry.key(), now.plus(lease)));
        return due.stream().map(OutboxEntry::delivery).toList();
    }

    @Override
    public synchronized void attempted(Delivery delivery, DeliveryAttempt attempt, Instant nextAttemptAt) {
        String key = delivery.key();
        leases.remove(key);
        OutboxEntry entry = owed.get(key);
        if (entry == null) {
            return;
        }
        OutboxEntry after = entry.after(attempt, nextAttemptAt);
        try {
            if (nextAttemptAt != null) {
                write(outboxDir, key + SUFFIX, jsonb.toJson(after), false);
                owed.put(key, after);
            } else {
                write(doneDir, key + SUFFIX, jsonb.toJson(after), false);
                Files.deleteIfExists(outboxDir.resolve(key + SUFFIX));
                files.fsync().directory(outboxDir);
                owed.remove(key);
            }
        } catch (IOException e) {
            throw failure("could not record an attempt at webhook event " + delivery.event().id(), e);
        }
    }

    @Override
    public synchronized List<DeliveryAttempt> attempts(String endpointId, int limit) {
        String suffix = "." + endpointId + SUFFIX;
        var attempts = new ArrayList<DeliveryAttempt>();
        try {
            for (Path dir : List.of(outboxDir, doneDir)) {
                for (Path file : list(dir)) {
                    if (file.getFileName().toString().endsWith(suffix)) {
                        read(file, OutboxEntry.class).ifPresent(entry -> attempts.addAll(entry.history()));
                    }
                }
            }
        } catch (IOException e) {
            throw failure("could not read webhook deliveries", e);
        }
        attempts.sort(Comparator.comparing(DeliveryAttempt::at).reversed());
        return attempts.size() > limit ? List.copyOf(attempts.subList(0, limit)) : attempts;
    }

    @Override
    public synchronized boolean replay(String endpointId, String eventId, Instant now) {
        String key = eventId + "." + endpointId;
        if (!NAME.matcher(key + SUFFIX).matches()) {
            return false;
        }
        try {
            OutboxEntry entry = owed.get(key);
            if (entry == null) {
                Optional<OutboxEntry> done = read(doneDir.resolve(key + SUFFIX), OutboxEntry.class);
                if (done.isEmpty()) {
                    return false;
                }
                entry = done.get();
            }
            OutboxEntry replayed = entry.replayed(now);
            write(outboxDir, key + SUFFIX, jsonb.toJson(replayed), false);
            if (Files.deleteIfExists(doneDir.resolve(key + SUFFIX))) {
                files.fsync().directory(doneDir);
            }
            owed.put(key, replayed);
            return true;
        } catch (IOException e) {
            throw failure("could not replay webhook event " + eventId, e);
        }
    }

    @Override
    public synchronized int purgeFinished(Instant before) {
        int purged = 0;
        try {
            for (Path file : list(doneDir)) {
                if (Files.getLastModifiedTime(file).toInstant().isBefore(before) && Files.deleteIfExists(file)) {
                    purged++;
                }
            }
            if (purged > 0) {
                files.fsync().directory(doneDir);
            }
        } catch (IOException e) {
            throw failure("could not purge finished webhook deliveries", e);
        }
        return purged;
    }

    @Override
    public String description() {
        return "files under " + root + " (this instance only)";
    }

    private void write(Path dir, String name, String json, boolean create) throws IOException {
        Path temp = files.writeTemp(dir, name, bytes(json));
        restrict(temp);
        if (create) {
            files.publish(temp, dir.resolve(name));
            return;
        }
        try {
            Files.move(temp, dir.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        files.fsync().directory(dir);
    }

    private void restrict(Path temp) throws IOException {
        if (posix) {
            try {
                Files.setPosixFilePermissions(temp, FILE);
            } catch (IOException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
        }
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private <T> Optional<T> read(Path file, Class<T> type) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(jsonb.fromJson(new String(content, StandardCharsets.UTF_8), type));
        } catch (JsonbException e) {
            LOG.log(Level.WARNING, "webhook file {0} is unreadable and skipped: {1}", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** The files of a directory, not the temp files a crash may have left. */
    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    private void createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir.toAbsolutePath().getParent());
        try {
            if (posix) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            return;
        }
        files.fsync().directory(dir.toAbsolutePath().getParent());
    }

    private WebhookStorageException failure(String what, IOException e) {
        return new WebhookStorageException(what + " in " + root + ": " + e, e);
    }

    /** For tests: the owed deliveries. */
    synchronized Map<String, OutboxEntry> owed() {
        return new LinkedHashMap<>(owed);
    }
}
