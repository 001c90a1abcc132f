package dev.emailengine.dispatch.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.dispatch.control.Deliverer.Outcome;
import dev.emailengine.dispatch.control.SmtpCircuitBreaker.Cause;
import dev.emailengine.dispatch.control.SmtpCircuitBreaker.State;
import dev.emailengine.queue.entity.QueuedEmail;
import dev.emailengine.testing.TestSmtpServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deliveries against a real SMTP server: outage probes and throttling replies. */
class DelivererTest {

    @TempDir
    Path data;

    private TestSmtpServer smtp;
    private DispatchFixture f;

    @BeforeEach
    void setUp() throws Exception {
        smtp = TestSmtpServer.onFreePort();
        f = new DispatchFixture(smtp, data);
    }

    @AfterEach
    void tearDown() throws Exception {
        smtp.close();
    }

    private QueuedEmail claim(String to) {
        String id = f.enqueue(to);
        QueuedEmail email = f.queue.claimNext().orElseThrow();
        assertEquals(id, email.id());
        return email;
    }

    @Test
    void theOutageProbeConnectsAfreshEvenWhenTheWorkerStillHoldsAConnection() {
        var connection = new SmtpConnection(f.session, "worker-test");
        assertEquals(Outcome.SENT, f.deliverer.deliver(claim("before@example.com"), connection));
        smtp.stop();
        f.breaker.recordOutage("connection refused");

        assertFalse(f.deliverer.probe(connection), "a connection from before the outage is no proof the server is back");
        assertNotEquals(State.CLOSED, f.breaker.state());

        smtp.start();
        assertTrue(f.deliverer.probe(connection));
        assertEquals(State.CLOSED, f.breaker.state());
        connection.close();
    }

    @Test
    void a421HoldsTheEmailBackWithoutSpendingARetryAndThrottlesTheServer() {
        var connection = new SmtpConnection(f.session, "worker-test");
        smtp.busyFor(Duration.ofMinutes(1));
        QueuedEmail email = claim("busy@example.com");

        assertEquals(Outcome.DEFERRED_BY_THROTTLING, f.deliverer.deliver(email, connection));

        assertEquals(1, smtp.busyReplies());
        assertEquals("queued", f.state(email.id()));
        assertEquals(0, f.queue.find(email.id()).orElseThrow().retryCount());
        var snapshot = f.breaker.snapshot();
        assertEquals(State.OPEN, snapshot.state());
        assertEquals(Cause.THROTTLING, snapshot.cause());
        assertTrue(snapshot.lastError().startsWith("421"), snapshot.lastError());
        connection.close();
    }

    @Test
    void greylistingOfOneEmailSpendsItsRetryButOfSeveralEmailsThrottlesTheServer() {
        var connection = new SmtpConnection(f.session, "worker-test");
        smtp.greylistFor(Duration.ofMinutes(1));

        for (int i = 1; i < SmtpCircuitBreaker.THROTTLE_SIGNS; i++) {
            QueuedEmail email = claim("greylist-" + i + "@example.com");
            assertEquals(Outcome.RETRY_SCHEDULED, f.deliverer.deliver(email, connection), "email " + i);
            assertEquals(State.CLOSED, f.breaker.state());
        }
        QueuedEmail last = claim("greylist-last@example.com");
        assertEquals(Outcome.DEFERRED_BY_THROTTLING, f.deliverer.deliver(last, connection));
        assertEquals(0, f.queue.find(last.id()).orElseThrow().retryCount());
        assertEquals(Cause.THROTTLING, f.breaker.snapshot().cause());
        connection.close();
    }
}
