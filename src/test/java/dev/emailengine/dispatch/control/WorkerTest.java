package dev.emailengine.dispatch.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.control.QueueFixture;
import dev.emailengine.queue.entity.QueuedEmail;
import dev.emailengine.testing.TestSmtpServer;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers survive whatever a step throws, and the pool starts again a worker whose task ended. */
class WorkerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path data;

    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(3);
    private TestSmtpServer smtp;

    @AfterEach
    void tearDown() throws Exception {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        if (smtp != null) {
            smtp.close();
        }
    }

    /** Throws OutOfMemoryError when sending to {@code oom@...}, as a huge attachment would. */
    private static final class OomConnection extends SmtpConnection {
        OomConnection(DispatchFixture f) {
            super(f.session, "worker-test");
        }

        @Override
        public SmtpReply send(MimeMessage message, Address[] envelope) throws MessagingException {
            if (envelope[0].toString().startsWith("oom@")) {
                throw new OutOfMemoryError("Java heap space (simulated)");
            }
            return super.send(message, envelope);
        }
    }

    @Test
    void anOutOfMemoryErrorSendingOneEmailNeitherEndsTheWorkerNorLeavesTheEmailClaimed() throws Exception {
        smtp = TestSmtpServer.onFreePort();
        var f = new DispatchFixture(smtp, data);
        String doomed = f.enqueue("oom@example.com");
        f.enqueue("next@example.com");
        Worker worker = f.worker("worker-test", new OomConnection(f));

        Future<?> task = executor.submit(worker);

        smtp.awaitTo("next@example.com", 1, DEADLINE);
        assertFalse(task.isDone(), "the worker ended");
        assertTrue(worker.running());
        assertEquals("retrying", f.state(doomed), "the email that hit the error is released, with a retry spent");
        assertEquals(1, f.queue.find(doomed).orElseThrow().retryCount());
        assertTrue(f.queue.find(doomed).orElseThrow().lastError().contains("OutOfMemoryError"),
                f.queue.find(doomed).orElseThrow().lastError());
        worker.requestStop();
        f.queue.wakeAll();
        task.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aStackOverflowInTheQueueDoesNotEndTheWorker() throws Exception {
        smtp = TestSmtpServer.onFreePort();
        var failures = new AtomicInteger();
        MailQueue queue = QueueFixture.start(new MailQueue() {
            @Override
            public Optional<QueuedEmail> claimNext() {
                if (failures.getAndIncrement() == 0) {
                    throw new StackOverflowError("simulated");
                }
                return super.claimNext();
            }
        }, data, 3);
        var f = new DispatchFixture(smtp, queue);
        f.enqueue("after-the-error@example.com");
        Worker worker = f.worker("worker-test", new SmtpConnection(f.session, "worker-test"));

        Future<?> task = executor.submit(worker);

        smtp.awaitTo("after-the-error@example.com", 1, DEADLINE);
        assertFalse(task.isDone(), "the worker ended");
        assertTrue(failures.get() >= 2, "the worker claimed again after the error");
        worker.requestStop();
        f.queue.wakeAll();
        task.get(10, TimeUnit.SECONDS);
    }

    @Test
    void thePoolStartsAgainAWorkerWhoseTaskEnded() throws Exception {
        smtp = TestSmtpServer.onFreePort();
        var f = new DispatchFixture(smtp, data);
        var runs = new AtomicInteger();
        // Its first run ends at once, as a task does that the container cancelled or an error killed.
        Worker worker = new Worker("worker-test", f.queue, f.deliverer, new SmtpConnection(f.session, "worker-test"),
                f.breaker, new PauseSwitch(), Duration.ofMillis(200)) {
            @Override
            public void run() {
                if (runs.getAndIncrement() == 0) {
                    throw new OutOfMemoryError("simulated: the task ended");
                }
                super.run();
            }
        };
        var pool = new WorkerPool(executor, List.of(worker));

        pool.start(Duration.ofMillis(100));
        f.enqueue("after-restart@example.com");

        smtp.awaitTo("after-restart@example.com", 1, DEADLINE);
        assertEquals(1, pool.restarts());
        assertTrue(worker.running());
        pool.requestStop();
        f.queue.wakeAll();
        pool.awaitStop(Duration.ofSeconds(10));
        assertFalse(worker.running());
        assertEquals(2, runs.get(), "a worker asked to stop is not started again");
    }
}
