package dev.emailengine.queue.control;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The queue store contract on the file store: real files, real fsyncs, a restart is a new store on the directory. */
class FileQueueStoreContractTest extends QueueStoreContract {

    @TempDir
    Path data;

    private final FailingDirectorySync fsync = new FailingDirectorySync(false);

    @Override
    QueueStore open() {
        return new FileQueueStore(data, fsync, clock, Duration.ofHours(24), 100, 0);
    }

    @Override
    void breakStorage() {
        fsync.failing = true;
    }

    @Override
    void repairStorage() {
        fsync.failing = false;
    }
}
