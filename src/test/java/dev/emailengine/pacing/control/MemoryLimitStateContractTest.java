package dev.emailengine.pacing.control;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The limit state contract in memory, kept in a file: a restart saves it and reads it back. */
class MemoryLimitStateContractTest extends LimitStateContract {

    @TempDir
    Path data;

    @Override
    LimitState open() {
        return new MemoryLimitState(clock, data.resolve("rate-limits.txt"));
    }

    @Override
    LimitState reopen(LimitState before) {
        ((MemoryLimitState) before).save();
        return open();
    }
}
