package dev.emailengine.queue.control;

import dev.emailengine.platform.Fsync;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The queue store contract on the file store: real files, real fsyncs, a restart is a new store on the directory. */
class FileQueueStoreContractTest extends QueueStoreContract {

    @TempDir
    Path data;

    private volatile boolean failing;

    private final Fsync fsync = new Fsync() {
        @Override
        protected void forceDirectory(Path directory) throws IOException {
            if (failing) {
                throw new IOException("EIO on fsync of " + directory.getFileName());
            }
            super.forceDirectory(directory);
        }
    };

    @Override
    QueueStore open() {
        return new FileQueueStore(data, fsync, clock, Duration.ofHours(24), 100, 0);
    }

    @Override
    void breakStorage() {
        failing = true;
    }

    @Override
    void repairStorage() {
        failing = false;
    }
}
