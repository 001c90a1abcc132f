package dev.emailengine.platform;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Forces file contents and directory entries to the disk. Directory syncs are group-committed:
 * callers that renamed into the same directory while another sync was running share the next
 * one, so N parallel enqueues cost far fewer than N directory fsyncs, and none returns before a
 * sync that started after its own rename has completed.
 */
public class Fsync {

    private final ConcurrentMap<Path, GroupCommit> directories = new ConcurrentHashMap<>();

    /** Data and the metadata needed to read it back (fdatasync). */
    public void file(FileChannel channel, Path path) throws IOException {
        channel.force(false);
    }

    /** Makes every rename into or out of {@code directory} done before this call durable. */
    public void directory(Path directory) throws IOException {
        directories.computeIfAbsent(directory, GroupCommit::new).sync();
    }

    /** The single place a directory is really fsync'd; called by one leader per group. */
    protected void forceDirectory(Path directory) throws IOException {
        try (var channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private final class GroupCommit {
        private final Path directory;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition finished = lock.newCondition();
        private long requested;
        private long completed;
        private boolean leaderRunning;

        GroupCommit(Path directory) {
            this.directory = directory;
        }

        void sync() throws IOException {
            lock.lock();
            try {
                long ticket = ++requested;
                while (completed < ticket) {
                    if (leaderRunning) {
                        finished.awaitUninterruptibly();
                        continue;
                    }
                    leaderRunning = true;
                    long covers = requested;
                    lock.unlock();
                    boolean synced = false;
                    try {
                        forceDirectory(directory);
                        synced = true;
                    } finally {
                        lock.lock();
                        leaderRunning = false;
                        if (synced) {
                            completed = Math.max(completed, covers);
                        }
                        finished.signalAll();
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
