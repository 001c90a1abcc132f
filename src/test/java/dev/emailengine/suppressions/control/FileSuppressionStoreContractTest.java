package dev.emailengine.suppressions.control;

import dev.emailengine.platform.DurableFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The suppression store contract on files: real files, real fsyncs; a restart is a new store on the directory. */
class FileSuppressionStoreContractTest extends SuppressionStoreContract {

    @TempDir
    Path data;

    private final FailingFsync fsync = new FailingFsync();

    @Override
    SuppressionStore open() {
        return new FileSuppressionStore(data.resolve("suppressions"), new DurableFiles(fsync));
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
