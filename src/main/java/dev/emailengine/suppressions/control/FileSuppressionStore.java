package dev.emailengine.suppressions.control;

import dev.emailengine.platform.Digests;
import dev.emailengine.platform.DurableFiles;
import dev.emailengine.platform.JsonConfiguration;
import dev.emailengine.suppressions.entity.Suppression;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The suppression list as one small JSON file per entry under {@code DATA_DIR/suppressions/},
 * named by the SHA-256 of its key and spread over 256 directories by its first two hex digits:
 * a lookup is one or two file opens, whatever the list's size, and no client-given text ever
 * becomes part of a path. The key of an entry for all mail is the normalised address; that of
 * an entry scoped to a list is the list, a line feed, and the address (never an address: those
 * hold no control characters). Written like the queue's files (temp, fsync, rename, directory
 * fsync), readable by the service's user only. Pages come in the order of the hashes.
 */
public class FileSuppressionStore implements SuppressionStore {

    private static final System.Logger LOG = System.getLogger(FileSuppressionStore.class.getName());
    /** A search reads each entry; a request reads at most this many and hands back a cursor for the rest. */
    static final int SEARCH_BUDGET = 20_000;
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    private static final String SUFFIX = ".json";
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private final Path root;
    private final DurableFiles files;
    private final boolean posix;
    private final int searchBudget;
    private final Jsonb jsonb = JsonConfiguration.snakeCase();
    /** Adding is check-then-create; one instance owns the directory, so a lock per hash stripe is enough. */
    private final ReentrantLock[] locks = new ReentrantLock[64];

    public FileSuppressionStore(Path root, DurableFiles files) {
        this(root, files, SEARCH_BUDGET);
    }

    FileSuppressionStore(Path root, DurableFiles files, int searchBudget) {
        this.root = root;
        this.searchBudget = searchBudget;
        this.files = files;
        this.posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    static String hash(String address) {
        return hash(address, null);
    }

    static String hash(String address, String listId) {
        String key = listId == null ? address : listId + "\n" + address;
        return Digests.sha256Hex(key.getBytes(StandardCharsets.UTF_8));
    }

    private ReentrantLock lock(String hash) {
        return locks[Integer.parseInt(hash.substring(0, 2), 16) % locks.length];
    }

    @Override
    public Added add(Suppression entry) {
        String hash = hash(entry.address(), entry.listId());
        ReentrantLock lock = lock(hash);
        lock.lock();
        try {
            Optional<Suppression> existing = read(hash, entry.address(), entry.listId());
            if (existing.isPresent()) {
                return new Added(existing.get(), false);
            }
            Path dir = shard(hash);
            Path temp = files.writeTemp(dir, hash + SUFFIX, jsonb.toJson(entry).getBytes(StandardCharsets.UTF_8));
            if (posix) {
                try {
                    Files.setPosixFilePermissions(temp, FILE);
                } catch (IOException e) {
                    Files.deleteIfExists(temp);
                    throw e;
                }
            }
            files.publish(temp, dir.resolve(hash + SUFFIX));
            return new Added(entry, true);
        } catch (IOException e) {
            throw new SuppressionStorageException("could not add to the suppression list in " + root + ": " + e, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean remove(String address, String listId) {
        String hash = hash(address, listId);
        ReentrantLock lock = lock(hash);
        lock.lock();
        try {
            Path dir = root.resolve(hash.substring(0, 2));
            if (!Files.deleteIfExists(dir.resolve(hash + SUFFIX))) {
                return false;
            }
            files.fsync().directory(dir);
            return true;
        } catch (IOException e) {
            throw new SuppressionStorageException("could not remove from the suppression list in " + root + ": " + e, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Map<String, Suppression> findAll(Collection<String> addresses, String listId) {
        var found = new LinkedHashMap<String, Suppression>();
        try {
            for (String address : addresses) {
                if (!found.containsKey(address)) {
                    Optional<Suppression> entry = read(hash(address), address, null);
                    if (entry.isEmpty() && listId != null) {
                        entry = read(hash(address, listId), address, listId);
                    }
                    entry.ifPresent(e -> found.put(address, e));
                }
            }
        } catch (IOException e) {
            throw new SuppressionStorageException("could not read the suppression list in " + root + ": " + e, e);
        }
        return found;
    }

    @Override
    public boolean isKey(String key) {
        return KEY.matcher(key).matches();
    }

    @Override
    public Slice page(String search, String listId, String afterKey, int limit) {
        if (afterKey != null && !KEY.matcher(afterKey).matches()) {
            throw new IllegalArgumentException("not a key of the file store");
        }
        String needle = search == null || search.isEmpty() ? null : search.toLowerCase(Locale.ROOT);
        var entries = new ArrayList<Suppression>();
        String lastEntry = null;
        String previous = null;
        int read = 0;
        try {
            for (int s = afterKey == null ? 0 : Integer.parseInt(afterKey.substring(0, 2), 16); s < 256; s++) {
                for (String hash : hashesIn(root.resolve("%02x".formatted(s)), afterKey)) {
                    if ((needle != null || listId != null) && ++read > searchBudget) {
                        // The previous entry was read: the next page starts after it.
                        return new Slice(entries, previous);
                    }
                    previous = hash;
                    Optional<Suppression> entry = read(hash, null, null);
                    if (entry.isEmpty() || needle != null
                            && !entry.get().address().toLowerCase(Locale.ROOT).contains(needle)
                            || listId != null && !listId.equals(entry.get().listId())) {
                        continue;
                    }
                    if (entries.size() == limit) {
                        return new Slice(entries, lastEntry);
                    }
                    entries.add(entry.get());
                    lastEntry = hash;
                }
            }
        } catch (IOException e) {
            throw new SuppressionStorageException("could not read the suppression list in " + root + ": " + e, e);
        }
        return new Slice(entries, null);
    }

    @Override
    public String description() {
        return "files under " + root + " (this instance only)";
    }

    /** The entry hashes of one shard after {@code afterKey}, in order; nothing for a shard not made yet. */
    private static List<String> hashesIn(Path dir, String afterKey) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.map(p -> p.getFileName().toString())
                    .filter(name -> name.length() == 64 + SUFFIX.length() && name.endsWith(SUFFIX))
                    .map(name -> name.substring(0, 64))
                    .filter(hash -> KEY.matcher(hash).matches() && (afterKey == null || hash.compareTo(afterKey) > 0))
                    .sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /**
     * The entry of a hash. One that cannot be parsed still suppresses its address (an address once
     * refused is not mailed because a file broke); it is logged, and skipped when listing.
     *
     * @param address the address looked up; null when listing
     * @param listId the list of the entry looked up
     */
    private Optional<Suppression> read(String hash, String address, String listId) throws IOException {
        Path file = root.resolve(hash.substring(0, 2)).resolve(hash + SUFFIX);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            Suppression entry = jsonb.fromJson(new String(bytes, StandardCharsets.UTF_8), Suppression.class);
            if (entry == null || entry.address() == null || !hash(entry.address(), entry.listId()).equals(hash)) {
                throw new JsonbException("the file does not hold the entry of its name");
            }
            return Optional.of(entry);
        } catch (JsonbException e) {
            LOG.log(Level.WARNING, "suppression list entry {0} is unreadable ({1}); its address stays suppressed",
                    file, e.getMessage());
            return address == null ? Optional.empty()
                    : Optional.of(new Suppression(address, "the entry " + file.getFileName() + " is unreadable",
                            Suppression.OPERATOR, null, Instant.EPOCH, listId));
        }
    }

    /** The shard directory of a hash, created (and its entry made durable) on first use. */
    private Path shard(String hash) throws IOException {
        Path dir = root.resolve(hash.substring(0, 2));
        if (!Files.isDirectory(dir)) {
            if (!Files.isDirectory(root)) {
                Files.createDirectories(root.toAbsolutePath().getParent());
                createDirectory(root);
            }
            createDirectory(dir);
        }
        return dir;
    }

    private void createDirectory(Path dir) throws IOException {
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
}
