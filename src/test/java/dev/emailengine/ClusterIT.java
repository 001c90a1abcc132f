package dev.emailengine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.testing.Api;
import dev.emailengine.testing.PayaraProcess;
import dev.emailengine.testing.PrivatePostgres;
import dev.emailengine.testing.TestDatabase;
import dev.emailengine.testing.TestSmtpServer;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several instances on one PostgreSQL queue ({@code QUEUE_STORE=postgresql}), as real Payara Micro
 * processes: what a client of the cluster sees when it posts to any instance, when an instance is
 * killed, and when the database goes away for a while. Leases are short (10 s) so a dead
 * instance's emails are taken over within the test's patience.
 */
class ClusterIT {

    private static final String LEASE = "10s";
    /** The survivor has one worker: its wake-up is then the LISTEN one, not a lucky poll (see below). */
    private static final int WORKERS_A = 1;
    private static final int WORKERS_B = 3;
    /** One-click unsubscribe on, with the same secret on every instance as operations.md asks. */
    private static final String UNSUBSCRIBE_SECRET = "cluster-unsubscribe-secret-0123456789abcdef";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path data;

    private Map<String, String> settings(TestSmtpServer smtp, Map<String, String> database, String instance,
            int workers) {
        var env = new HashMap<String, String>(database);
        env.put("DATA_DIR", data.resolve(instance).toString());
        env.put("SMTP_SERVER", "127.0.0.1");
        env.put("PORT", String.valueOf(smtp.port()));
        env.put("NUM_WORKERS", String.valueOf(workers));
        env.put("QUEUE_STORE", "postgresql");
        env.put("INSTANCE_NAME", instance);
        env.put("LEASE_TIMEOUT", LEASE);
        env.put("PUBLIC_BASE_URL", "https://mail.emailengine.test");
        env.put("UNSUBSCRIBE_SECRET", UNSUBSCRIBE_SECRET);
        return env;
    }

    /** A fresh log per run, so what a test reads from it is this run's. */
    private static PayaraProcess startFresh(String name, Map<String, String> env) throws Exception {
        Files.deleteIfExists(logOf(name));
        return PayaraProcess.start(name, env);
    }

    private static Path logOf(String name) {
        return Path.of("target", "payara-" + name + ".log");
    }

    private static String idOf(TestSmtpServer.Received r) {
        String messageId = r.messageId();
        return messageId.substring(1, messageId.indexOf('@'));
    }

    /**
     * Two instances, clients on both: wake-ups cross instances, an Idempotency-Key holds across
     * them, dead letters requeued from both at once send once, and one instance killed mid-stream
     * loses nothing. One boot of two servers serves every check; the kill comes last.
     */
    @Test
    void twoInstancesOnOneDatabaseServeAsOne() throws Exception {
        try (var db = TestDatabase.create(); var smtp = TestSmtpServer.onFreePort()) {
            List<PayaraProcess> both = startTogether(
                    () -> startFresh("cluster-a", settings(smtp, db.serverSettings(), "cluster-a", WORKERS_A)),
                    () -> startFresh("cluster-b", settings(smtp, db.serverSettings(), "cluster-b", WORKERS_B)));
            try (var a = both.get(0); var b = both.get(1)) {
                for (String name : List.of("cluster-a", "cluster-b")) {
                    assertFalse(Files.readString(logOf(name)).contains("LISTEN/NOTIFY is unavailable"),
                            name + " cannot LISTEN: its workers only poll; see " + logOf(name));
                }
                // Independent checks on one boot: each runs and reports even when another fails.
                var once = new ArrayList<String>();
                assertAll("two instances on one database",
                        () -> once.add(anIdempotencyKeyUsedOnOneInstanceThenTheOtherQueuesOneEmail(a.api(), b.api(), smtp)),
                        () -> once.add(anIdempotencyKeyRacedOnBothInstancesQueuesOneEmail(a.api(), b.api(), smtp)),
                        () -> once.addAll(deadLettersRequeuedFromBothInstancesSendOnce(a.api(), b.api(), smtp)),
                        () -> once.add(anUnsubscriptionThroughOneInstanceIsHonouredByTheOther(a.api(), b.api(), smtp)),
                        () -> aPostOnOneInstanceWakesTheOther(a.api(), b.api(), smtp),
                        () -> theDashboardOfOneInstanceCountsWhatTheOtherSent(a.api(), b.api(), smtp),
                        () -> anInstanceKilledMidStreamLosesNothing(a, b, smtp),
                        // Everything is delivered by now: a second copy of any of these would have arrived.
                        () -> {
                            for (String to : once) {
                                assertEquals(1, smtp.to(to).size(), to + ": one copy, whichever instance was asked");
                            }
                        });
                a.stop();
            }
        }
    }

    /**
     * Unsubscriptions live in the shared database: a bulk sent through A carries the link, the
     * provider's one-click POST reaches B, and A's next bulk of the list skips the address.
     */
    private static String anUnsubscriptionThroughOneInstanceIsHonouredByTheOther(Api a, Api b, TestSmtpServer smtp)
            throws Exception {
        String reader = "cluster-reader-" + java.util.UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String bulk = """
                {"subject": "News", "body": "x", "list_id": "cluster-news", "recipients": [{"to_email": "%s"}]}"""
                .formatted(reader);
        Api.Reply first = a.post("emails", bulk);
        assertEquals(200, first.status(), first.body());
        String header = smtp.awaitMessageTo(reader, Duration.ofSeconds(60)).getHeader("List-Unsubscribe", null);
        assertTrue(header != null && header.startsWith("<https://mail.emailengine.test/unsubscribe/"), header);
        String token = header.substring(header.lastIndexOf('/') + 1, header.length() - 1);
        Api.Reply done = b.withKey(null).call("POST", "unsubscribe/" + token, "List-Unsubscribe=One-Click",
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(200, done.status(), done.body());
        JsonObject again = a.post("emails", bulk).json();
        assertEquals(0, again.getInt("count"), again.toString());
        assertEquals(reader, again.getJsonArray("suppressed").getJsonObject(0).getString("to_email"));
        return reader;
    }

    /** Boots in parallel (each boot is mostly waiting); when one fails, the others are stopped too. */
    @SafeVarargs
    private static List<PayaraProcess> startTogether(Callable<PayaraProcess>... starts) throws Exception {
        ExecutorService boot = Executors.newFixedThreadPool(starts.length);
        try {
            var started = new ArrayList<PayaraProcess>();
            Exception failure = null;
            for (var starting : boot.invokeAll(List.of(starts))) {
                try {
                    started.add(starting.get());
                } catch (ExecutionException e) {
                    failure = e.getCause() instanceof Exception cause ? cause : e;
                }
            }
            if (failure != null) {
                for (var p : started) {
                    p.close();
                }
                throw failure;
            }
            return started;
        } finally {
            boot.shutdownNow();
        }
    }

    /**
     * The instance that got the 200 has its workers paused, so the other instance must send: only
     * a notification through PostgreSQL wakes it before its next poll (every second while it
     * listens). With one worker on the sending instance a poll lands uniformly within that second
     * (median ~500 ms); with three, the earliest of three polls comes sooner (median ~200 ms) and
     * would blur the difference, so the timed direction is towards A, which has one worker.
     */
    /**
     * The dashboard's figures on B, whose workers are paused, count what A sent (from the shared
     * table's finished_at range) while B itself sent nothing, and name the store and instance.
     */
    private static void theDashboardOfOneInstanceCountsWhatTheOtherSent(Api a, Api b, TestSmtpServer smtp) {
        assertEquals(200, b.post("workers/pause", "").status());
        try {
            // A sample counts what happened since the one before it, so the first one after the pause
            // may still hold B's last sends: count from the first sample taken after the pause.
            String paused = b.get("dashboard/figures").json().getString("at");
            List<JsonObject> after = await("a sample of B taken after its pause").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> b.get("dashboard/figures?since=" + paused).json().getJsonArray("samples")
                            .getValuesAs(JsonObject.class), samples -> !samples.isEmpty());
            String since = after.get(after.size() - 1).getString("at");
            for (int i = 0; i < 3; i++) {
                String to = "dashboard-" + i + "@example.com";
                assertEquals(200, a.post("email", """
                        {"to_email": "%s", "subject": "cluster figures %d", "body": "x"}""".formatted(to, i)).status());
                smtp.awaitTo(to, 1, Duration.ofSeconds(10));
            }
            JsonObject figures = await("B's samples to count A's three").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> b.get("dashboard/figures?since=" + since).json(), f -> f.getJsonArray("samples")
                            .getValuesAs(JsonObject.class).stream().mapToLong(s -> s.getJsonNumber("cluster_sent") == null
                                    ? 0 : s.getJsonNumber("cluster_sent").longValue()).sum() >= 3);
            assertEquals("postgresql", figures.getString("store"));
            assertEquals("cluster-b", figures.getJsonObject("cluster").getString("self"));
            assertEquals(0, figures.getJsonArray("samples").getValuesAs(JsonObject.class).stream()
                    .mapToLong(s -> s.getJsonNumber("sent").longValue()).sum(), "B's own workers were paused");
        } finally {
            b.post("workers/resume", "");
        }
    }

    private static void aPostOnOneInstanceWakesTheOther(Api a, Api b, TestSmtpServer smtp) {
        assertEquals(200, b.post("workers/pause", "").status());
        try {
            var latencies = new ArrayList<Long>();
            for (int i = 0; i < 9; i++) {
                String to = "wake-" + i + "@example.com";
                Api.Reply reply = b.post("email", """
                        {"to_email": "%s", "subject": "wake-up %d", "body": "x"}""".formatted(to, i));
                Instant accepted = Instant.now();
                assertEquals(200, reply.status(), reply.body());
                Instant arrived = smtp.awaitTo(to, 1, Duration.ofSeconds(10)).get(0).at();
                latencies.add(Math.max(0, Duration.between(accepted, arrived).toMillis()));
            }
            List<Long> sorted = latencies.stream().sorted().toList();
            long median = sorted.get(sorted.size() / 2);
            System.out.println("wake-up across instances, 200 on B to arrival from A (ms): " + latencies
                    + ", median " + median);
            assertTrue(median < 300, "an idle instance took a median " + median + " ms to send what another accepted "
                    + latencies + ": it polled (1 s) instead of being woken by NOTIFY");
        } finally {
            assertEquals(200, b.post("workers/resume", "").status());
        }
    }

    /** The same request with one key on A and then on B: B answers with A's email. */
    private static String anIdempotencyKeyUsedOnOneInstanceThenTheOtherQueuesOneEmail(Api a, Api b,
            TestSmtpServer smtp) {
        String to = "idempotent-cluster@example.com";
        String body = """
                {"to_email": "%s", "subject": "once across the cluster", "body": "x"}""".formatted(to);
        Api.Reply first = a.post("email", body, "Idempotency-Key", "cluster-key-1");
        assertEquals(200, first.status(), first.body());
        Api.Reply repeat = b.post("email", body, "Idempotency-Key", "cluster-key-1");
        assertEquals(200, repeat.status(), repeat.body());
        assertEquals(first.json().getString("request_id"), repeat.json().getString("request_id"),
                "B answered the key A had stored with its email");
        smtp.awaitTo(to, 1, Duration.ofSeconds(30));
        return to;
    }

    /** One key on A and B at the same moment: one queues the email, the other answers 200 with it or 409. */
    private static String anIdempotencyKeyRacedOnBothInstancesQueuesOneEmail(Api a, Api b, TestSmtpServer smtp)
            throws Exception {
        String to = "idempotent-race@example.com";
        String body = """
                {"to_email": "%s", "subject": "raced", "body": "x"}""".formatted(to);
        var start = new CountDownLatch(1);
        ExecutorService clients = Executors.newFixedThreadPool(2);
        var replies = new ArrayList<Future<Api.Reply>>();
        for (Api api : List.of(a, b)) {
            replies.add(clients.submit(() -> {
                start.await();
                return api.post("email", body, "Idempotency-Key", "cluster-key-2");
            }));
        }
        start.countDown();
        var ids = new ArrayList<String>();
        var answers = new ArrayList<Api.Reply>();
        for (var reply : replies) {
            answers.add(reply.get(60, TimeUnit.SECONDS));
        }
        clients.shutdown();
        for (Api.Reply r : answers) {
            assertTrue(r.status() == 200 || r.status() == 409, "200, or 409 for the loser of the race; got " + r.status()
                    + " " + r.body() + " (all answers: " + answers.stream().map(Api.Reply::body).toList() + ")");
            if (r.status() == 200) {
                ids.add(r.json().getString("request_id"));
            }
        }
        assertFalse(ids.isEmpty(), "one of the two must have queued the email");
        assertEquals(1, Set.copyOf(ids).size(), "both 200s name one email: " + ids);
        smtp.awaitTo(to, 1, Duration.ofSeconds(30));
        return to;
    }

    /**
     * Ten emails dead (550 until the gate opens), posted half to each instance; then every one is
     * requeued from both instances at once, alongside a retry-all on each: each goes back once.
     */
    private static List<String> deadLettersRequeuedFromBothInstancesSendOnce(Api a, Api b, TestSmtpServer smtp)
            throws Exception {
        var recipients = new ArrayList<String>();
        var ids = new ArrayList<String>();
        for (int i = 0; i < 10; i++) {
            String to = "gate-cluster-" + i + "@example.com";
            Api.Reply reply = (i % 2 == 0 ? a : b).post("email", """
                    {"to_email": "%s", "subject": "dead, then requeued", "body": "x"}""".formatted(to));
            assertEquals(200, reply.status(), reply.body());
            recipients.add(to);
            ids.add(reply.json().getString("request_id"));
        }
        for (int i = 0; i < ids.size(); i++) {
            (i % 2 == 0 ? b : a).awaitState(ids.get(i), "dead", Duration.ofSeconds(60));
        }
        recipients.forEach(smtp::open);

        var start = new CountDownLatch(1);
        var requeued = new AtomicInteger();
        var statuses = ConcurrentHashMap.<Integer>newKeySet();
        ExecutorService clients = Executors.newFixedThreadPool(6);
        var work = new ArrayList<Callable<Void>>();
        for (Api api : List.of(a, b)) {
            work.add(() -> {
                start.await();
                Api.Reply all = api.post("dead-letter/retry-all", "");
                statuses.add(all.status());
                if (all.status() == 200) {
                    requeued.addAndGet(all.json().getInt("requeued"));
                }
                return null;
            });
            for (int client = 0; client < 2; client++) {
                int offset = client * 5;
                work.add(() -> {
                    start.await();
                    for (int i = 0; i < ids.size(); i++) {
                        Api.Reply one = api.post("dead-letter/" + ids.get((i + offset) % ids.size()) + "/retry", "");
                        statuses.add(one.status());
                        if (one.status() == 200) {
                            requeued.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        }
        var futures = work.stream().map(clients::submit).toList();
        start.countDown();
        for (var f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        clients.shutdown();
        assertTrue(Set.of(200, 404).containsAll(statuses), "only 200 (requeued) or 404 (taken): " + statuses);
        assertEquals(ids.size(), requeued.get(), "each dead letter was requeued by exactly one request");
        for (int i = 0; i < ids.size(); i++) {
            (i % 2 == 0 ? b : a).awaitState(ids.get(i), "sent", Duration.ofSeconds(60));
        }
        return recipients;
    }

    /**
     * Four clients post steadily, two to each instance; B (three workers, busy with a backlog) is
     * killed with SIGKILL. Every email that got a 200 from either instance arrives; only the ones
     * B was sending at that moment may arrive twice (each copy with the same Message-ID); and A
     * answers for every email B accepted.
     */
    private static void anInstanceKilledMidStreamLosesNothing(PayaraProcess a, PayaraProcess b, TestSmtpServer smtp)
            throws Exception {
        // B's three workers each mid-send (the SMTP server holds them in DATA) when B dies: the
        // emails a dead instance was sending, which A may take over only once their leases run out.
        assertEquals(200, a.api().post("workers/pause", "").status());
        var inFlight = new ArrayList<String>();
        for (int i = 0; i < WORKERS_B; i++) {
            Api.Reply reply = b.api().post("email", """
                    {"to_email": "hold-%d@example.com", "subject": "in flight at the kill", "body": "x"}""".formatted(i));
            assertEquals(200, reply.status(), reply.body());
            inFlight.add(reply.json().getString("request_id"));
        }
        await("B's workers to be mid-send").atMost(Duration.ofSeconds(30)).until(smtp::holding, n -> n == WORKERS_B);
        assertEquals(200, a.api().post("workers/resume", "").status());

        Set<String> acceptedByA = ConcurrentHashMap.newKeySet();
        Set<String> acceptedByB = ConcurrentHashMap.newKeySet();
        var sequence = new AtomicInteger();
        var stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        for (int c = 0; c < 4; c++) {
            boolean toA = c % 2 == 0;
            Api api = toA ? a.api() : b.api();
            Set<String> accepted = toA ? acceptedByA : acceptedByB;
            clients.submit(() -> {
                while (!stop.get()) {
                    int n = sequence.incrementAndGet();
                    try {
                        Api.Reply reply = api.post("email", """
                                {"to_email": "stream-%d@example.com", "subject": "stream %d", "body": "x"}"""
                                .formatted(n, n));
                        if (reply.status() == 200) {
                            accepted.add(reply.json().getString("request_id"));
                        }
                    } catch (UncheckedIOException e) {
                        return; // B is dead: no answer, no promise
                    }
                }
            });
        }
        await("B to accept 80 emails").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5))
                .until(acceptedByB::size, n -> n >= 80);
        b.kill();
        Instant killedAt = Instant.now();
        smtp.releaseHeld();
        int acceptedByAAtKill = acceptedByA.size();
        await("A to accept 40 more after the kill").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5))
                .until(acceptedByA::size, n -> n >= acceptedByAAtKill + 40);
        stop.set(true);
        clients.shutdown();
        assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS));

        var accepted = new ArrayList<>(acceptedByA);
        accepted.addAll(acceptedByB);
        accepted.addAll(inFlight);
        await("every accepted email to arrive (B's claims once their " + LEASE + " leases run out)")
                .atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    var missing = new ArrayList<>(accepted);
                    missing.removeAll(arrivedIds(smtp));
                    assertTrue(missing.isEmpty(), missing.size() + " accepted emails never arrived: " + missing);
                });

        Map<String, List<TestSmtpServer.Received>> byId = smtp.all().stream()
                .filter(r -> r.recipient().startsWith("stream-")).collect(Collectors.groupingBy(ClusterIT::idOf));
        Map<String, List<TestSmtpServer.Received>> duplicates = byId.entrySet().stream()
                .filter(e -> e.getValue().size() > 1).collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        System.out.println(acceptedByA.size() + " accepted by A, " + acceptedByB.size() + " by B, "
                + byId.values().stream().mapToInt(List::size).sum() + " delivered, duplicates " + duplicates.keySet());
        assertTrue(duplicates.size() <= WORKERS_B, duplicates.size() + " emails arrived twice: at most the "
                + WORKERS_B + " B was sending when killed may repeat: " + duplicates.keySet());
        duplicates.forEach((id, copies) -> {
            assertEquals(2, copies.size(), id + " arrived " + copies.size() + " times");
            assertTrue(!copies.get(0).at().isAfter(killedAt), id + " was first sent after the kill, so it was not"
                    + " in flight on B; yet it arrived twice");
        });

        for (String id : inFlight) {
            // B's held session may still have handed its copy over; A's comes once the lease runs out.
            await(id + " taken over by A").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> byIdAll(smtp).getOrDefault(id, List.of()).stream().anyMatch(r -> r.at().isAfter(killedAt)));
            List<TestSmtpServer.Received> copies = byIdAll(smtp).getOrDefault(id, List.of());
            assertTrue(copies.stream().map(TestSmtpServer.Received::messageId).distinct().count() == 1,
                    id + ": every copy carries the same Message-ID");
        }

        Api survivor = a.api();
        for (String id : acceptedByB) {
            Api.Reply reply = survivor.get("email/" + id);
            assertEquals(200, reply.status(), "A knows " + id + ", which B accepted: " + reply.body());
            assertEquals("sent", reply.json().getString("state"), id + " as A reports it");
        }
    }

    private static Map<String, List<TestSmtpServer.Received>> byIdAll(TestSmtpServer smtp) {
        return smtp.all().stream().collect(Collectors.groupingBy(ClusterIT::idOf));
    }

    private static Set<String> arrivedIds(TestSmtpServer smtp) {
        return smtp.all().stream().map(ClusterIT::idOf).collect(Collectors.toSet());
    }

    /**
     * The database (a server of the test's own) is stopped for 30 s while mail is being sent and
     * then started again: no POST gets a 200 while it is away (503, problem details), health says
     * why, and every email accepted before or after arrives once, with no one restarting anything.
     */
    @Test
    void aDatabaseAwayForThirtySecondsLosesNothingAndSendingResumes() throws Exception {
        try (var pg = PrivatePostgres.start(); var smtp = TestSmtpServer.onFreePort();
                var payara = startFresh("cluster-outage", settings(smtp, pg.serverSettings(), "outage", 3))) {
            Api api = payara.api();
            // A backlog, so that some sends are under way when the database stops and their
            // outcomes must wait until it is back.
            List<String> before = new ArrayList<>(postConcurrently(api, "before-outage-", 120));
            // Three sends under way when the database stops: they end (250) while it is away, and
            // their outcomes must be kept and recorded once it is back.
            await("the backlog to be sent").atMost(Duration.ofSeconds(60)).until(() -> smtp.all().size() >= 120);
            for (int i = 0; i < 3; i++) {
                Api.Reply reply = api.post("email", """
                        {"to_email": "hold-outage-%d@example.com", "subject": "mid-send", "body": "x"}""".formatted(i));
                assertEquals(200, reply.status(), reply.body());
                before.add(reply.json().getString("request_id"));
            }
            await("three sends under way").atMost(Duration.ofSeconds(30)).until(smtp::holding, n -> n == 3);
            pg.stop();
            smtp.releaseHeld();
            Instant stoppedAt = Instant.now();
            int arrivedAtStop = smtp.all().size();

            var refused = new AtomicInteger();
            var notRefused = new ConcurrentLinkedQueue<String>();
            var checkedHealth = new AtomicBoolean();
            await("30 s of database outage").during(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .failFast("a POST was accepted while the database was down", () -> {
                        Api.Reply reply = api.post("email", """
                                {"to_email": "during-outage@example.com", "subject": "refused", "body": "x"}""");
                        assertTrue(reply.status() != 200, "a 200 without a database: " + reply.body());
                        if (reply.status() == 503 && reply.contentType().startsWith("application/problem+json")
                                && reply.json().getInt("status") == 503) {
                            refused.incrementAndGet();
                        } else {
                            notRefused.add(reply.status() + " " + reply.contentType() + " " + reply.body());
                        }
                        if (!checkedHealth.get()) {
                            assertHealthReportsTheDatabase(api);
                            checkedHealth.set(true);
                        }
                    })
                    .until(() -> true);
            assertTrue(checkedHealth.get());
            // An unsubscription cannot be recorded without the database: 503, and nothing changes.
            String token = new dev.emailengine.unsubscribe.control.UnsubscribeTokens(UNSUBSCRIBE_SECRET)
                    .tokenFor("outage-reader@example.com", "outage-news");
            Api.Reply unsubscribe = api.withKey(null).call("POST", "unsubscribe/" + token, "List-Unsubscribe=One-Click",
                    "Content-Type", "application/x-www-form-urlencoded");
            Api.Reply lookup = api.get("email/" + before.get(0));
            int arrivedDuringOutage = smtp.all().size() - arrivedAtStop;
            pg.startAgain();
            Instant restartedAt = Instant.now();

            var after = new ArrayList<String>();
            Api.Reply firstAfter = await("a POST to be accepted again").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).until(() -> api.post("email", """
                            {"to_email": "after-outage-first@example.com", "subject": "back", "body": "x"}"""),
                            r -> r.status() == 200);
            Duration toRecover = Duration.between(restartedAt, Instant.now());
            after.add(firstAfter.json().getString("request_id"));
            after.addAll(postConcurrently(api, "after-outage-", 30));

            var accepted = new ArrayList<>(before);
            accepted.addAll(after);
            assertEquals(503, unsubscribe.status(), "an unsubscription without a database: " + unsubscribe.body());
            assertTrue(unsubscribe.headers().firstValue("Retry-After").isPresent(), "the provider is told to retry");
            assertEquals(0, api.get("suppressions?list_id=outage-news").json().getInt("count"), "nothing recorded");
            await("every accepted email to arrive").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        var missing = new ArrayList<>(accepted);
                        missing.removeAll(arrivedIds(smtp));
                        assertTrue(missing.isEmpty(), missing.size() + " accepted emails never arrived: " + missing);
                    });
            Map<String, Long> copies = smtp.all().stream()
                    .collect(Collectors.groupingBy(ClusterIT::idOf, Collectors.counting()));
            System.out.println("database outage " + Duration.between(stoppedAt, restartedAt).toSeconds() + " s: "
                    + refused.get() + " POSTs refused with 503, " + arrivedAtStop + " of " + before.size()
                    + " sent before the stop, " + arrivedDuringOutage + " during it, first 200 "
                    + toRecover.toMillis() + " ms after the restart; copies per email " + copies.values().stream()
                            .collect(Collectors.groupingBy(c -> c, Collectors.counting())));
            var repeated = copies.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
            assertAll("after a 30 s database outage",
                    () -> assertTrue(notRefused.isEmpty(), notRefused.size() + " of " + (notRefused.size() + refused.get())
                            + " POSTs during the outage were not a 503 with problem details: " + notRefused),
                    () -> assertEquals(503, lookup.status(), "a read without a database is 503 too: " + lookup.body()),
                    () -> assertTrue(repeated.isEmpty(), "one instance sends each email once, outage or not: " + repeated),
                    () -> outcomesReachedMeanwhileAreRecorded(api, before),
                    () -> assertTrue(Files.readString(logOf("cluster-outage")).contains("recorded once PostgreSQL answers"
                            + " again"), "the sends that ended during the outage had their outcomes kept"),
                    () -> anIdleInstanceSendsPromptlyAgain(api, smtp));
            payara.stop();
        }
    }

    private static void outcomesReachedMeanwhileAreRecorded(Api api, List<String> before) {
        // Outcomes reached while the database stopped are kept and recorded once it answers.
        await("every email sent before the outage recorded as sent").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    var notSent = new ArrayList<String>();
                    for (String id : before) {
                        String state = api.get("email/" + id).json().getString("state");
                        if (!state.equals("sent")) {
                            notSent.add(id + "=" + state);
                        }
                    }
                    assertTrue(notSent.isEmpty(), notSent.size() + " emails that arrived are not recorded as sent"
                            + " (their outcome was lost when the database stopped): " + notSent);
                });
    }

    private static void anIdleInstanceSendsPromptlyAgain(Api api, TestSmtpServer smtp) throws IOException {
        // Back to normal: healthy while idle, and a new email on the idle instance is sent at once.
        await("the instance to stay healthy for 15 s after the outage").during(Duration.ofSeconds(15))
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> api.get("health").json().getJsonObject("components").getString("queue_manager"),
                        "healthy"::equals);
        Api.Reply idle = api.post("email", """
                {"to_email": "after-outage-idle@example.com", "subject": "woken", "body": "x"}""");
        Instant acceptedIdle = Instant.now();
        assertEquals(200, idle.status(), idle.body());
        Instant arrivedIdle = smtp.awaitTo("after-outage-idle@example.com", 1, Duration.ofSeconds(60)).get(0).at();
        long idleMillis = Duration.between(acceptedIdle, arrivedIdle).toMillis();
        long workerErrors = Files.readString(logOf("cluster-outage")).lines()
                .filter(l -> l.contains("hit an unexpected error")).count();
        System.out.println("idle instance after the outage sent a new email in " + idleMillis + " ms; "
                + workerErrors + " worker errors logged");
        assertTrue(idleMillis < 3000, "an idle instance took " + idleMillis + " ms after the outage to send a new"
                + " email (its workers logged " + workerErrors + " unexpected errors; see " + logOf("cluster-outage")
                + "): sending did not resume as before the outage");
        assertEquals(0, workerErrors, "an outage is expected, not an error: the workers logged " + workerErrors
                + " unexpected errors (see " + logOf("cluster-outage") + ")");
    }

    private static void assertHealthReportsTheDatabase(Api api) {
        JsonObject health = api.get("health").json();
        assertEquals("degraded", health.getString("status"), health.toString());
        String queue = health.getJsonObject("components").getString("queue_manager");
        assertTrue(queue.startsWith("unhealthy: ") && queue.contains("PostgreSQL"), health.toString());
        assertEquals(503, api.get("mp-health/ready").status(), "not ready without the database");
        assertEquals(200, api.get("mp-health/live").status(), "an outage is no reason to restart the service");
    }

    private static List<String> postConcurrently(Api api, String prefix, int count) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            var replies = new ArrayList<Future<Api.Reply>>();
            for (int i = 0; i < count; i++) {
                String to = prefix + i + "@example.com";
                replies.add(clients.submit(() -> api.post("email", """
                        {"to_email": "%s", "subject": "outage test", "body": "x"}""".formatted(to))));
            }
            var ids = new ArrayList<String>();
            for (var reply : replies) {
                Api.Reply r = reply.get(60, TimeUnit.SECONDS);
                assertEquals(200, r.status(), r.body());
                ids.add(r.json().getString("request_id"));
            }
            return ids;
        } finally {
            clients.shutdownNow();
        }
    }
}
