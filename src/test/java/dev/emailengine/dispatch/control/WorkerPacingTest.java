package dev.emailengine.dispatch.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.pacing.control.MemoryLimitState;
import dev.emailengine.pacing.control.Pacer;
import dev.emailengine.pacing.control.RateLimitConfig;
import dev.emailengine.testing.TestSmtpServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker under rate limits: a full domain holds up only its own mail; a full server spaces every send. */
class WorkerPacingTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path data;

    private TestSmtpServer smtp;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void tearDown() throws Exception {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        if (smtp != null) {
            smtp.close();
        }
    }

    private Worker worker(DispatchFixture f, String server, String domains) {
        var pacer = new Pacer(RateLimitConfig.parse(server, domains), new MemoryLimitState(Clock.systemUTC()),
                Clock.systemUTC());
        return new Worker("paced", f.queue, f.deliverer, new SmtpConnection(f.session, "paced"), f.breaker,
                new PauseSwitch(), Duration.ofSeconds(5), pacer);
    }

    private void stop(Worker worker, DispatchFixture f, Future<?> task) throws Exception {
        worker.requestStop();
        f.queue.wakeAll();
        task.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aFullDomainPostponesItsEmailAndTheWorkerSendsTheNextAtOnce() throws Exception {
        smtp = TestSmtpServer.onFreePort();
        var f = new DispatchFixture(smtp, data);
        String first = f.enqueue("one@slow.test");
        String held = f.enqueue("two@slow.test");
        String other = f.enqueue("three@fast.test");
        Worker worker = worker(f, null, "slow.test=1/h");
        Future<?> task = executor.submit(worker);

        smtp.awaitTo("three@fast.test", 1, DEADLINE);
        await().atMost(DEADLINE).until(() -> f.state(other).equals("sent"));
        assertEquals("sent", f.state(first));
        assertEquals("queued", f.state(held), "postponed for an hour, not failed");
        assertEquals(0, f.queue.find(held).orElseThrow().retryCount(), "no attempt spent");
        assertTrue(smtp.to("two@slow.test").isEmpty());
        stop(worker, f, task);
    }

    @Test
    void aFullServerSpacesEverySend() throws Exception {
        smtp = TestSmtpServer.onFreePort();
        var f = new DispatchFixture(smtp, data);
        for (String to : List.of("a@x.test", "b@y.test", "c@z.test")) {
            f.enqueue(to);
        }
        Worker worker = worker(f, "2/s", null);
        Future<?> task = executor.submit(worker);

        List<TestSmtpServer.Received> all = smtp.await(r -> true, 3, DEADLINE, "in all");
        // The limit spaces the starts of the sends exactly; arrivals carry the SMTP round trips' jitter.
        for (int i = 1; i < all.size(); i++) {
            Duration gap = Duration.between(all.get(i - 1).at(), all.get(i).at());
            assertTrue(gap.toMillis() >= 300, "sends " + gap.toMillis() + " ms apart at 2/s");
        }
        Duration span = Duration.between(all.get(0).at(), all.get(2).at());
        assertTrue(span.toMillis() >= 850, "3 sends at 2/s take a second, not " + span.toMillis() + " ms");
        stop(worker, f, task);
    }
}
