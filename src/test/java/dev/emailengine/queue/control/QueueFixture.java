package dev.emailengine.queue.control;

import dev.emailengine.platform.Fsync;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** A real {@link MailQueue} on a test directory, for the tests of other components. */
public final class QueueFixture {

    private QueueFixture() {
    }

    /** Starts a plain queue on {@code dir} with {@code fsync} (real ones, or failing ones), as a restart would. */
    public static MailQueue start(Path dir, int maxRetries, Fsync fsync) {
        var queue = new MailQueue();
        queue.dataDir = dir.toString();
        queue.maxRetries = maxRetries;
        queue.fsync = fsync;
        queue.start();
        return queue;
    }

    /** Starts {@code queue} (a subclass, to inject faults, or a plain one) on {@code dir}, without fsyncs. */
    public static <Q extends MailQueue> Q start(Q queue, Path dir, int maxRetries) {
        queue.dataDir = dir.toString();
        queue.maxRetries = maxRetries;
        queue.fsync = new Fsync() {
            @Override
            public void file(FileChannel channel, Path path) {
                // durability is QueueFilesTest's subject
            }

            @Override
            protected void forceDirectory(Path directory) {
            }
        };
        queue.start();
        return queue;
    }
}
