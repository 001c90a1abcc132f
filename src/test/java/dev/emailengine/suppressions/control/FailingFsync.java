package dev.emailengine.suppressions.control;

import dev.emailengine.platform.Fsync;
import java.io.IOException;
import java.nio.file.Path;

/** Real fsyncs, except that directory syncs fail while {@link #failing}, as a failing disk reports. */
final class FailingFsync extends Fsync {

    volatile boolean failing;

    @Override
    protected void forceDirectory(Path directory) throws IOException {
        if (failing) {
            throw new IOException("EIO on fsync of " + directory.getFileName());
        }
        super.forceDirectory(directory);
    }
}
