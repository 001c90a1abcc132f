package dev.emailengine.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsyncTest {

    @TempDir
    Path dir;

    record Span(long start, long end) {
    }

    @Test
    void concurrentCallersShareDirectorySyncsButEachWaitsForOneThatStartedAfterIt() throws Exception {
        int callers = 32;
        List<Span> syncs = new CopyOnWriteArrayList<>();
        var firstSyncEntered = new CountDownLatch(1);
        var othersCalling = new CountDownLatch(callers - 1);
        Fsync fsync = new Fsync() {
            @Override
            protected void forceDirectory(Path directory) throws IOException {
                long start = System.nanoTime();
                if (syncs.isEmpty() && firstSyncEntered.getCount() == 1) {
                    firstSyncEntered.countDown();
                    try {
                        // Hold the first sync until the other callers have arrived behind it.
                        othersCalling.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.forceDirectory(directory);
                syncs.add(new Span(start, System.nanoTime()));
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            var calls = new ArrayList<Future<Span>>();
            calls.add(pool.submit(() -> call(fsync)));
            assertTrue(firstSyncEntered.await(10, TimeUnit.SECONDS));
            for (int i = 1; i < callers; i++) {
                calls.add(pool.submit(() -> {
                    othersCalling.countDown();
                    return call(fsync);
                }));
            }
            for (Future<Span> f : calls) {
                Span call = f.get(20, TimeUnit.SECONDS);
                assertTrue(syncs.stream().anyMatch(s -> s.start() >= call.start() && s.end() <= call.end()),
                        "every caller waits for a directory sync that started after it was called");
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(syncs.size() <= 4, callers + " callers needed " + syncs.size() + " syncs; they should share");
    }

    private Span call(Fsync fsync) throws IOException {
        long start = System.nanoTime();
        fsync.directory(dir);
        return new Span(start, System.nanoTime());
    }
}
