package dev.emailengine.health.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.dispatch.control.Dispatcher;
import dev.emailengine.dispatch.control.SmtpCircuitBreaker;
import jakarta.mail.Session;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The health probe logs in to the SMTP server at most once at a time, whatever the number of
 * health and readiness calls waiting on it: a provider sees one login per cache period, not a
 * storm of them.
 */
class SmtpProbeTest {

    private static final int CALLERS = 8;
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final GatedSmtpServer server = new GatedSmtpServer();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final SmtpProbe probe = new SmtpProbe();
    private final ExecutorService callers = Executors.newFixedThreadPool(CALLERS);

    SmtpProbeTest() throws IOException {
        var settings = new Properties();
        settings.put("mail.transport.protocol", "smtp");
        settings.put("mail.smtp.host", "127.0.0.1");
        settings.put("mail.smtp.port", String.valueOf(server.port()));
        settings.put("mail.smtp.connectiontimeout", "10000");
        settings.put("mail.smtp.timeout", "30000");
        settings.put("mail.smtp.quitwait", "false");
        probe.session = Session.getInstance(settings);
        var closedBreaker = new SmtpCircuitBreaker(Duration.ofSeconds(1), Duration.ofSeconds(1), Clock.systemUTC());
        probe.dispatcher = new Dispatcher() {
            @Override
            public SmtpCircuitBreaker breaker() {
                return closedBreaker;
            }
        };
        probe.nanoTime = now::get;
    }

    @AfterEach
    void stop() throws IOException {
        server.greetings.release(1000); // whatever the outcome, no caller stays blocked
        callers.shutdownNow();
        server.close();
    }

    @Test
    void afterTheCacheExpiresConcurrentCallersShareOneLoginAndTheOthersGetTheLastResult() throws Exception {
        server.greetings.release(1);
        assertEquals(Optional.empty(), probe.problem());
        assertEquals(1, server.connections.get());
        now.addAndGet(SmtpProbe.CACHE_FOR.toNanos() + 1);

        List<Future<Optional<String>>> answers = callAll();
        await(() -> server.connections.get() >= 2, "no caller probed after the cache expired");
        // The prober is held at the greeting; everyone else must answer now, from the last result.
        await(() -> answers.stream().filter(Future::isDone).count() == CALLERS - 1,
                () -> "callers still waiting on the server; SMTP connections so far: " + server.connections.get());
        server.greetings.release(1);

        for (Future<Optional<String>> answer : answers) {
            assertEquals(Optional.empty(), answer.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        }
        assertEquals(2, server.connections.get(), "one login for the first call, one for the whole burst");
    }

    @Test
    void theFirstCallersWithNoEarlierResultWaitForTheOneProbeInFlight() throws Exception {
        List<Future<Optional<String>>> answers = callAll();
        await(() -> server.connections.get() >= 1, "nobody probed");
        server.greetings.release(1); // one greeting only: a second connection would hang, not answer

        for (Future<Optional<String>> answer : answers) {
            assertEquals(Optional.empty(), answer.get(DEADLINE.toSeconds(), TimeUnit.SECONDS),
                    "SMTP connections: " + server.connections.get());
        }
        assertEquals(1, server.connections.get());
    }

    private List<Future<Optional<String>>> callAll() {
        var answers = new ArrayList<Future<Optional<String>>>();
        for (int i = 0; i < CALLERS; i++) {
            answers.add(callers.submit(probe::problem));
        }
        return answers;
    }

    private static void await(BooleanSupplier condition, String failure) {
        await(condition, () -> failure);
    }

    private static void await(BooleanSupplier condition, Supplier<String> failure) {
        Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertTrue(condition.getAsBoolean(), failure));
    }

    /**
     * Just enough SMTP for a connect and QUIT, on a loopback port. It counts connections and
     * greets each one only when the test releases a permit, so a test decides how long a probe
     * stays in flight.
     */
    static final class GatedSmtpServer implements AutoCloseable {
        final AtomicInteger connections = new AtomicInteger();
        final Semaphore greetings = new Semaphore(0);
        private final ServerSocket socket;

        GatedSmtpServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "gated-smtp-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    connections.incrementAndGet();
                    Thread session = new Thread(() -> converse(client), "gated-smtp-session");
                    session.setDaemon(true);
                    session.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void converse(Socket client) {
            try (client; var in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.US_ASCII)); OutputStream out = client.getOutputStream()) {
                greetings.acquire();
                reply(out, "220 gated ESMTP");
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.regionMatches(true, 0, "QUIT", 0, 4)) {
                        reply(out, "221 bye");
                        return;
                    }
                    reply(out, "250 ok");
                }
            } catch (IOException | InterruptedException e) {
                // the client went away or the test is over
            }
        }

        private static void reply(OutputStream out, String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
