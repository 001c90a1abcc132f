package dev.emailengine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.testing.Api;
import dev.emailengine.testing.PayaraProcess;
import dev.emailengine.testing.TestSmtpServer;
import jakarta.json.JsonObject;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as a process that can die: SIGKILL mid-stream, an SMTP outage, files left on disk
 * by an earlier life. Each test starts its own Payara Micro child process(es) on its own data
 * directory and SMTP server, with the default retry settings unless a test says otherwise.
 */
class CrashRecoveryIT {

    private static final int WORKERS = 3;

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path data;

    private Map<String, String> settings(TestSmtpServer smtp, int workers) {
        var env = new HashMap<String, String>();
        env.put("DATA_DIR", data.toString());
        env.put("SMTP_SERVER", "127.0.0.1");
        env.put("PORT", String.valueOf(smtp.port()));
        env.put("NUM_WORKERS", String.valueOf(workers));
        return env;
    }

    private static String idOf(TestSmtpServer.Received r) {
        String messageId = r.messageId();
        return messageId.substring(1, messageId.indexOf('@'));
    }

    /**
     * Posts steadily from four clients while the server is killed three times, at different
     * moments; every email that got a 200 must arrive after the last restart.
     */
    @Test
    void sigkillMidStreamLosesNoAcceptedEmail() throws Exception {
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        var sequence = new AtomicInteger();
        int[] killAfterAccepted = {25, 90, 160};
        try (var smtp = TestSmtpServer.onFreePort()) {
            for (int round = 0; round < killAfterAccepted.length; round++) {
                try (var payara = PayaraProcess.start("crash-" + round, settings(smtp, WORKERS))) {
                    var stop = new AtomicBoolean();
                    ExecutorService clients = postSteadily(payara.api(), accepted, sequence, stop);
                    awaitAtLeast(accepted, killAfterAccepted[round]);
                    payara.kill();
                    stop.set(true);
                    clients.shutdown();
                    assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS));
                }
            }
            try (var payara = PayaraProcess.start("crash-final", settings(smtp, WORKERS))) {
                await("every accepted email to arrive").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                            var missing = new ArrayList<>(accepted);
                            missing.removeAll(arrivedIds(smtp));
                            assertTrue(missing.isEmpty(), missing.size() + " accepted emails never arrived: " + missing);
                        });
                Set<String> arrived = arrivedIds(smtp);

                long duplicates = smtp.all().size() - arrived.size();
                System.out.println(accepted.size() + " accepted, " + smtp.all().size() + " delivered, " + duplicates
                        + " duplicates over 3 kills");
                assertTrue(duplicates <= 3L * WORKERS,
                        duplicates + " duplicates; at most the " + WORKERS + " in flight at each of 3 kills may repeat");
                awaitNoLeftovers();
                payara.stop();
            }
        }
    }

    private static Set<String> arrivedIds(TestSmtpServer smtp) {
        return smtp.all().stream().map(CrashRecoveryIT::idOf).collect(Collectors.toSet());
    }

    private static ExecutorService postSteadily(Api api, Set<String> accepted, AtomicInteger sequence,
            AtomicBoolean stop) {
        ExecutorService clients = Executors.newFixedThreadPool(4);
        for (int c = 0; c < 4; c++) {
            clients.submit(() -> {
                while (!stop.get()) {
                    int n = sequence.incrementAndGet();
                    try {
                        Api.Reply reply = api.post("email", """
                                {"to_email": "crash-%d@example.com", "subject": "crash test %d", "body": "x"}"""
                                .formatted(n, n));
                        if (reply.status() == 200) {
                            accepted.add(reply.json().getString("request_id"));
                        }
                    } catch (UncheckedIOException e) {
                        // the server is dying or dead: no answer, no promise
                    }
                }
            });
        }
        return clients;
    }

    private static void awaitAtLeast(Set<String> accepted, int count) {
        await(count + " emails to be accepted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(accepted::size, size -> size >= count);
    }

    /** Once everything is delivered the queue directory empties: no temp and no processing files remain. */
    private void awaitNoLeftovers() {
        await("queue/ to empty").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    try (Stream<Path> files = Files.list(data.resolve("queue"))) {
                        return files.map(p -> p.getFileName().toString()).toList();
                    }
                }, List::isEmpty);
    }

    /**
     * The SMTP server is down for 60 s while emails keep coming; with the default retry settings
     * none may be dead-lettered, and all arrive once it is back.
     */
    @Test
    void aSixtySecondSmtpOutageDeadLettersNothing() throws Exception {
        try (var smtp = TestSmtpServer.onFreePort();
                var payara = PayaraProcess.start("outage", settings(smtp, WORKERS))) {
            Api api = payara.api();
            smtp.stop();
            var ids = new ArrayList<String>();
            for (int i = 0; i < 20; i++) {
                Api.Reply reply = api.post("email", """
                        {"to_email": "outage-%d@example.com", "subject": "during the outage", "body": "x"}"""
                        .formatted(i));
                assertEquals(200, reply.status(), "intake continues during an outage: " + reply.body());
                ids.add(reply.json().getString("request_id"));
            }
            var sawBreakerOpen = new AtomicBoolean();
            await("60 s of SMTP outage").during(Duration.ofSeconds(60)).atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .failFast("an outage dead-lettered mail", () -> assertEquals(0,
                            api.get("status").json().getInt("dead_letter"), "an outage dead-lettered mail"))
                    .until(() -> {
                        if (!"closed".equals(api.get("workers/status").json().getJsonObject("smtp").getString("state"))) {
                            sawBreakerOpen.set(true);
                        }
                        return true; // the outage only has to last; the fail-fast check watches the dead letters
                    });
            assertTrue(sawBreakerOpen.get(), "the dispatcher never noticed the outage");
            JsonObject degraded = api.get("health").json();
            assertEquals("degraded", degraded.getString("status"));
            assertTrue(degraded.getJsonObject("components").getString("email_sender").startsWith("unhealthy: "),
                    degraded.toString());
            assertEquals("healthy", degraded.getJsonObject("components").getString("queue_manager"));
            assertEquals(503, api.get("mp-health/ready").status(), "not ready while SMTP is down");
            assertEquals(200, api.get("mp-health/live").status(), "an outage is no reason to restart the service");
            smtp.start();

            smtp.await(r -> ids.contains(idOf(r)), ids.size(), Duration.ofSeconds(90), "sent after the outage");
            for (String id : ids) {
                assertEquals(0, api.get("email/" + id).json().getInt("retry_count"),
                        "the outage cost " + id + " part of its retry budget");
            }
            assertEquals(0, api.get("status").json().getInt("dead_letter"));
            assertEquals("healthy", api.get("health").json().getString("status"));
            assertEquals(200, api.get("mp-health/ready").status());
            payara.stop();
        }
    }

    /**
     * A server that throttles the client as a whole (30 s of {@code 421} to every MAIL FROM) and
     * then greylists (each message refused with {@code 451 4.7.1} until 8 s after it was first
     * seen). The original settings dead-lettered both after about 7 s; now the 421s hold the mail
     * without spending any retry, and greylisted mail is retried within its lifetime until it
     * passes. Short retry delays and a short lifetime stand in for the minutes and days of a real
     * setup; MAX_RETRIES is left unset, as by default.
     */
    @Test
    void throttlingAndGreylistingDeadLetterNothing() throws Exception {
        try (var smtp = TestSmtpServer.onFreePort()) {
            var env = settings(smtp, WORKERS);
            env.put("RETRY_BASE_DELAY", "1");
            env.put("RETRY_MAX_DELAY", "2");
            env.put("MAX_QUEUE_LIFETIME", "5m");
            try (var payara = PayaraProcess.start("throttling", env)) {
                Api api = payara.api();
                smtp.busyFor(Duration.ofSeconds(30));
                var throttled = postAll(api, "busy-", 10);
                smtp.await(r -> throttled.contains(idOf(r)), throttled.size(), Duration.ofSeconds(120),
                        "sent after 30 s of 421");
                assertTrue(smtp.busyReplies() > 0, "the server never throttled; the test proved nothing");
                for (String id : throttled) {
                    assertEquals(0, api.get("email/" + id).json().getInt("retry_count"),
                            "throttling cost " + id + " a retry");
                }
                assertEquals(0, api.get("status").json().getInt("dead_letter"), "throttling dead-lettered mail");

                smtp.greylistFor(Duration.ofSeconds(8));
                var greylisted = postAll(api, "greylist-", 10);
                smtp.await(r -> greylisted.contains(idOf(r)), greylisted.size(), Duration.ofSeconds(180),
                        "sent once the greylist let them through");
                // The server has each message before the worker has its 250 and records it as sent.
                for (String id : greylisted) {
                    api.awaitState(id, "sent", Duration.ofSeconds(30));
                }
                assertEquals(0, api.get("status").json().getInt("dead_letter"), "greylisting dead-lettered mail");
                payara.stop();
            }
        }
    }

    private static List<String> postAll(Api api, String prefix, int count) {
        var ids = new ArrayList<String>();
        for (int i = 0; i < count; i++) {
            Api.Reply reply = api.post("email", """
                    {"to_email": "%s%d@example.com", "subject": "throttled", "body": "x"}""".formatted(prefix, i));
            assertEquals(200, reply.status(), reply.body());
            ids.add(reply.json().getString("request_id"));
        }
        return ids;
    }

    /**
     * An earlier life left a pending file, a claimed one, a corrupt one and a temp file. With one
     * worker, delivery order is observable: after a pause, high priority goes first. An
     * Idempotency-Key used before a restart still answers after it.
     */
    @Test
    void filesLeftByAnEarlierLifeAreRecoveredAndPriorityOrdersDelivery() throws Exception {
        Path queue = Files.createDirectories(data.resolve("queue"));
        Files.writeString(queue.resolve("batch_1795000000000_00000001.json"), seeded("batch_1795000000000_00000001"));
        Files.writeString(queue.resolve("batch_1795000000000_00000002.processing.json"),
                seeded("batch_1795000000000_00000002"));
        Files.writeString(queue.resolve("batch_1795000000000_00000003.json"), "{\"version\": 1, \"id\": ");
        Files.writeString(queue.resolve(".tmp-batch_1795000000000_00000004.json"), "{\"half\": ");
        // A requeue of a dead letter interrupted between writing the pending file and removing the
        // dead letter: exactly one live copy must remain, and the dead letter must not win later.
        Path deadLetters = Files.createDirectories(data.resolve("dead_letter"));
        Files.writeString(queue.resolve("batch_1795000000000_00000005.json"), seeded("batch_1795000000000_00000005"));
        Files.writeString(deadLetters.resolve("batch_1795000000000_00000005.json"), seeded("batch_1795000000000_00000005"));
        for (String dir : new String[] {"bulk", "idempotency"}) {
            Files.writeString(Files.createDirectories(data.resolve(dir)).resolve(".tmp-left-by-a-crash.json"), "{\"half\": ");
        }

        try (var smtp = TestSmtpServer.onFreePort();
                var payara = PayaraProcess.start("recovery", settings(smtp, 1))) {
            smtp.awaitTo("seeded-batch_1795000000000_00000001@example.com", 1, Duration.ofSeconds(30));
            smtp.awaitTo("seeded-batch_1795000000000_00000002@example.com", 1, Duration.ofSeconds(30));
            assertTrue(Files.readString(data.resolve("corrupt/batch_1795000000000_00000003.json.reason.txt"))
                    .contains("unparsable JSON"));
            assertFalse(Files.exists(queue.resolve(".tmp-batch_1795000000000_00000004.json")));
            smtp.awaitTo("seeded-batch_1795000000000_00000005@example.com", 1, Duration.ofSeconds(30));
            assertFalse(Files.exists(deadLetters.resolve("batch_1795000000000_00000005.json")),
                    "the stale dead letter was removed");
            assertFalse(Files.exists(data.resolve("bulk/.tmp-left-by-a-crash.json")));
            assertFalse(Files.exists(data.resolve("idempotency/.tmp-left-by-a-crash.json")));
            awaitNoLeftovers();

            Api api = payara.api();
            assertEquals(0, api.post("dead-letter/retry-all", "").json().getInt("requeued"));
            assertEquals(200, api.post("workers/pause", "").status());
            for (String[] p : new String[][] {{"3", "low"}, {"2", "normal"}, {"1", "high"}}) {
                assertEquals(200, api.post("email", """
                        {"to_email": "order-%s@example.com", "subject": "%s", "body": "x", "priority": %s}"""
                        .formatted(p[1], p[1], p[0])).status());
            }
            assertEquals(200, api.post("workers/resume", "").status());

            var order = smtp.await(r -> r.recipient().startsWith("order-"), 3, Duration.ofSeconds(30), "in order")
                    .stream().map(TestSmtpServer.Received::recipient).toList();
            assertEquals(List.of("order-high@example.com", "order-normal@example.com", "order-low@example.com"), order);
            String mbean = "dev.emailengine:type=EmailEngine";
            assertTrue((Long) payara.mbeanAttribute(mbean, "EmailsSent") >= 5, "JMX shows what was sent");
            assertEquals(0, payara.mbeanAttribute(mbean, "QueueDue"));
            assertEquals(1, ((String[]) payara.mbeanAttribute(mbean, "Workers")).length);
            assertEquals("closed", payara.mbeanAttribute(mbean, "SmtpCircuit"));

            Api.Reply first = api.post("email", IDEMPOTENT_BODY, "Idempotency-Key", "restart-key-1");
            assertEquals(200, first.status(), first.body());
            smtp.awaitTo("idempotent@example.com", 1, Duration.ofSeconds(30));
            payara.stop();

            try (var again = PayaraProcess.start("recovery-again", settings(smtp, 1))) {
                Api.Reply repeat = again.api().post("email", IDEMPOTENT_BODY, "Idempotency-Key", "restart-key-1");
                assertEquals(first.body(), repeat.body(), "the key outlived the restart");
                assertEquals(200, again.api().post("email", """
                        {"to_email": "after-restart@example.com", "subject": "marker", "body": "x"}""").status());
                // One worker, first in first out: a second copy would have arrived before the marker.
                smtp.awaitTo("after-restart@example.com", 1, Duration.ofSeconds(30));
                assertEquals(1, smtp.to("idempotent@example.com").size());
                assertEquals(1, smtp.to("seeded-batch_1795000000000_00000005@example.com").size(),
                        "the interrupted requeue was delivered once, across two restarts");
                again.stop();
            }
        }
    }

    /**
     * Twenty clients retry fifty dead letters at once, one by one and all together: every email
     * goes back exactly once, no request fails, and each recipient receives one copy.
     */
    @Test
    void concurrentDeadLetterRetriesDeliverEachEmailExactlyOnce() throws Exception {
        try (var smtp = TestSmtpServer.onFreePort();
                var payara = PayaraProcess.start("dead-letter-retries", settings(smtp, WORKERS))) {
            concurrentRetries(payara.api(), smtp);
            payara.stop();
        }
    }

    private static void concurrentRetries(Api api, TestSmtpServer smtp) throws Exception {
        var recipients = new ArrayList<String>();
        var ids = new ArrayList<String>();
        for (int i = 0; i < 50; i++) {
            String to = "gate-" + i + "@example.com";
            recipients.add(to);
            Api.Reply reply = api.post("email", "{\"to_email\": \"%s\", \"subject\": \"dead, then retried\", \"body\": \"x\"}"
                    .formatted(to));
            assertEquals(200, reply.status(), reply.body());
            ids.add(reply.json().getString("request_id"));
        }
        ids.forEach(id -> api.awaitState(id, "dead", Duration.ofSeconds(60)));
        recipients.forEach(smtp::open);

        var pool = Executors.newFixedThreadPool(20);
        var start = new CountDownLatch(1);
        var statuses = ConcurrentHashMap.<Integer>newKeySet();
        var requeued = new AtomicInteger();
        var clients = new ArrayList<Future<?>>();
        for (int t = 0; t < 20; t++) {
            int client = t;
            clients.add(pool.submit(() -> {
                start.await();
                if (client % 4 == 0) {
                    Api.Reply all = api.post("dead-letter/retry-all", "");
                    statuses.add(all.status());
                    if (all.status() == 200) {
                        requeued.addAndGet(all.json().getInt("requeued"));
                    }
                    return null;
                }
                for (int i = 0; i < ids.size(); i++) {
                    Api.Reply one = api.post("dead-letter/" + ids.get((i + client * 7) % ids.size()) + "/retry", "");
                    statuses.add(one.status());
                    if (one.status() == 200) {
                        requeued.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (var c : clients) {
            c.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertTrue(Set.of(200, 404).containsAll(statuses), "only 200 (requeued) or 404 (taken): " + statuses);
        assertEquals(50, requeued.get(), "each dead letter was requeued by exactly one request");
        ids.forEach(id -> api.awaitState(id, "sent", Duration.ofSeconds(60)));
        assertEquals(0, api.get("dead-letter").json().getInt("total"));
        for (String to : recipients) {
            assertEquals(1, smtp.to(to).size(), to + " received one copy");
        }
    }

    private static final String IDEMPOTENT_BODY = """
            {"to_email": "idempotent@example.com", "subject": "once", "body": "x"}""";

    /** A queue file as an earlier run wrote it (format version 1). */
    private static String seeded(String id) {
        return """
                {"version": 1, "id": "%s", "priority": 2, "created_at": "2026-11-28T10:00:00Z",
                 "retry_count": 0, "max_retries": 3, "next_attempt_at": "2026-11-28T10:00:00Z",
                 "message": {"to_email": "seeded-%s@example.com", "subject": "seeded", "text_body": "from an earlier life"},
                 "attempts": []}""".formatted(id, id);
    }
}
