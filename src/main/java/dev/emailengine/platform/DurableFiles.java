package dev.emailengine.platform;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes that survive a power cut: temp file, fsync, atomic rename, directory fsync. Temp names
 * start with {@value #TEMP_PREFIX} so a crash can leave nothing that looks like a real file.
 */
public class DurableFiles {

    public static final String TEMP_PREFIX = ".tmp-";
    private static final AtomicLong TEMP_SUFFIX = new AtomicLong(ThreadLocalRandom.current().nextLong() >>> 1);

    private final Fsync fsync;

    public DurableFiles(Fsync fsync) {
        this.fsync = fsync;
    }

    public Fsync fsync() {
        return fsync;
    }

    /** Returns only once {@code dir/name} holds {@code content} and its directory entry is on disk. */
    public void write(Path dir, String name, byte[] content) throws IOException {
        replace(dir, name, content);
        fsync.directory(dir);
    }

    /**
     * Like {@link #write} for a file that did not exist before, with one more promise: when this
     * throws, the file is not there. If the directory sync fails after the rename, the rename is
     * undone, so an error answered to a client can never be followed by that file being acted on
     * after a restart.
     */
    public void create(Path dir, String name, byte[] content) throws IOException {
        Path temp = writeTemp(dir, name, content);
        publish(temp, dir.resolve(name));
    }

    /** Renames a synced temp file to {@code target} and syncs the directory; on failure neither is left. */
    public void publish(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        try {
            fsync.directory(target.getParent());
        } catch (IOException e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    /**
     * Replaces (or creates) {@code dir/name} atomically with synced content, without syncing the
     * directory: for a caller that renames several files and then syncs the directory once.
     */
    public void replace(Path dir, String name, byte[] content) throws IOException {
        Path temp = writeTemp(dir, name, content);
        try {
            Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Writes and fsyncs {@code content} under a temp name of its own beside {@code name} (two
     * writers of one file never share a temp file); returns the temp file.
     */
    public Path writeTemp(Path dir, String name, byte[] content) throws IOException {
        Path temp = dir.resolve(TEMP_PREFIX + name + "." + Long.toHexString(TEMP_SUFFIX.getAndIncrement()));
        try (var channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            var buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            fsync.file(channel, temp);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("temp file " + temp + " exists: two writers for one file", e);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }
}
