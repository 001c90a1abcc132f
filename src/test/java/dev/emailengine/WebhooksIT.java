package dev.emailengine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.testing.Api;
import dev.emailengine.testing.PayaraProcess;
import dev.emailengine.testing.TestDatabase;
import dev.emailengine.testing.TestSmtpServer;
import dev.emailengine.testing.WebhookReceiver;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery event webhooks end to end: the service as a real process, a real SMTP server, and a
 * receiver in this test that verifies every signature with its own implementation of Standard
 * Webhooks ({@link WebhookReceiver}). Most tests share one server (a boot costs ~20 s); each
 * registers its own endpoint and receiver, and deletes the endpoint at its end. The server allows
 * private targets (the receiver is on 127.0.0.1) and retries webhooks after 1, 2, 4, 8 then 15 s.
 */
class WebhooksIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final List<String> ALL_TYPES = List.of("email.sent", "email.deferred", "email.bounced",
            "email.dead_lettered", "email.suppressed", "email.unsubscribed", "email.cancelled");

    @TempDir
    static Path sharedData;

    @TempDir
    Path data;

    private static TestSmtpServer smtp;
    private static PayaraProcess server;

    static Map<String, String> settings(Path dataDir, TestSmtpServer smtp, boolean allowPrivate) {
        var env = new HashMap<String, String>();
        env.put("DATA_DIR", dataDir.toString());
        env.put("SMTP_SERVER", "127.0.0.1");
        env.put("PORT", String.valueOf(smtp.port()));
        env.put("NUM_WORKERS", "3");
        env.put("WORKER_POLLING_INTERVAL", "1");
        env.put("RETRY_BASE_DELAY", "1");
        env.put("RETRY_MAX_DELAY", "2");
        env.put("MAX_RETRIES", "5");
        env.put("API_KEYS", System.getProperty("it.api.key"));
        env.put("PUBLIC_BASE_URL", "https://mail.emailengine.test/");
        env.put("UNSUBSCRIBE_SECRET", "it-unsubscribe-secret-0123456789abcdef");
        env.put("WEBHOOK_ALLOW_PRIVATE", String.valueOf(allowPrivate));
        env.put("WEBHOOK_RETRY_SCHEDULE", "1s,2s,4s,8s,15s,15s,15s,15s,15s,15s");
        return env;
    }

    @BeforeAll
    static void start() throws Exception {
        smtp = TestSmtpServer.onFreePort();
        server = PayaraProcess.start("webhooks", settings(sharedData, smtp, true));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    private static String run() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static JsonObject register(Api api, WebhookReceiver receiver, String... events) {
        String list = events.length == 0 ? "" : ", \"events\": [" + java.util.Arrays.stream(events)
                .map(e -> "\"" + e + "\"").collect(Collectors.joining(", ")) + "]";
        Api.Reply reply = api.post("webhooks", "{\"url\": \"" + receiver.url() + "\"" + list + "}");
        assertEquals(201, reply.status(), reply.body());
        JsonObject created = reply.json();
        assertTrue(created.getString("id").startsWith("ep_"), created.toString());
        assertTrue(created.getString("secret").startsWith("whsec_"), created.toString());
        receiver.trust(created.getString("secret"));
        return created;
    }

    static String send(Api api, String to) {
        Api.Reply reply = api.post("email", "{\"to_email\": \"" + to + "\", \"subject\": \"hooked\", \"body\": \"x\"}");
        assertEquals(200, reply.status(), reply.body());
        return reply.json().getString("request_id");
    }

    /** Waits until the receiver took {@code count} events matching, and returns them. */
    static List<WebhookReceiver.Request> awaitTaken(WebhookReceiver receiver, String what, int count,
            Predicate<WebhookReceiver.Request> which) {
        return await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> receiver.taken().stream().filter(which).toList(), found -> found.size() >= count);
    }

    static Predicate<WebhookReceiver.Request> of(String type, String emailId) {
        return r -> r.type().equals(type) && emailId.equals(r.data().get("email_id") instanceof JsonString s
                ? s.getString() : null);
    }

    static Predicate<WebhookReceiver.Request> about(String type, String recipient) {
        return r -> r.type().equals(type) && recipient.equals(r.data().getString("recipient", null));
    }

    static List<String> strings(JsonObject data, String name) {
        return data.getJsonArray(name).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    /** Every request the receiver got is signed, fresh, and says in its body what its headers say. */
    static void assertWellFormed(WebhookReceiver receiver) {
        for (WebhookReceiver.Request r : receiver.requests()) {
            assertFalse(r.verifiedBy().isEmpty(), "a signature that does not verify: " + r);
            assertTrue(r.id().startsWith("msg_"), r.id());
            assertEquals(r.id(), r.payload().getString("id"));
            assertTrue(ALL_TYPES.contains(r.type()), r.type());
            Instant timestamp = Instant.parse(r.payload().getString("timestamp"));
            assertTrue(Duration.between(timestamp, Instant.now()).abs().compareTo(Duration.ofMinutes(5)) < 0);
            assertTrue(r.data().containsKey("email_id"), r.payload().toString());
        }
    }

    /**
     * One endpoint subscribed to everything sees each life cycle: sent; 451 twice then sent;
     * 550 (bounced, dead-lettered, suppressed by the bounce); an operator's suppression; a
     * one-click unsubscribe; a cancel.
     */
    @Test
    void everyEventTypeArrivesSignedForItsLifeCycle() throws Exception {
        Api api = server.api();
        String run = run();
        try (var receiver = new WebhookReceiver()) {
            String endpoint = register(api, receiver).getString("id");
            try {
                String okAddress = "ok-" + run + "@example.com";
                String sent = send(api, okAddress);
                JsonObject sentData = awaitTaken(receiver, "email.sent", 1, of("email.sent", sent)).get(0).data();
                assertEquals(List.of(okAddress), strings(sentData, "recipients"));
                assertTrue(sentData.getString("reply").contains("Ok: queued"), sentData.toString());

                String flaky = send(api, "fail2-" + run + "@example.com");
                awaitTaken(receiver, "email.sent after retries", 1, of("email.sent", flaky));
                List<WebhookReceiver.Request> deferred = receiver.taken().stream().filter(of("email.deferred", flaky))
                        .toList();
                assertEquals(2, deferred.size(), deferred.toString());
                assertEquals(Set.of(1, 2), deferred.stream().map(r -> r.data().getInt("attempt")).collect(Collectors.toSet()));
                for (WebhookReceiver.Request r : deferred) {
                    assertTrue(r.data().getString("reply").startsWith("451"), r.data().toString());
                    Instant.parse(r.data().getString("next_attempt_at"));
                    assertEquals(List.of("fail2-" + run + "@example.com"), strings(r.data(), "recipients"));
                }

                String badAddress = "reject550-" + run + "@example.com";
                String bounced = send(api, badAddress);
                JsonObject bounce = awaitTaken(receiver, "email.bounced", 1, of("email.bounced", bounced)).get(0).data();
                assertEquals(badAddress, bounce.getString("recipient"));
                assertTrue(bounce.getString("reply").startsWith("550"), bounce.toString());
                JsonObject dead = awaitTaken(receiver, "email.dead_lettered", 1, of("email.dead_lettered", bounced))
                        .get(0).data();
                assertEquals(List.of(badAddress), strings(dead, "recipients"));
                JsonObject suppressed = awaitTaken(receiver, "email.suppressed by the bounce", 1,
                        about("email.suppressed", badAddress)).get(0).data();
                assertEquals("bounce", suppressed.getString("source"));
                assertEquals(bounced, suppressed.getString("email_id"));

                String complainer = "complaint-" + run + "@example.com";
                assertEquals(201, api.post("suppressions", "{\"address\": \"" + complainer + "\", \"reason\": \"complaint\"}")
                        .status());
                JsonObject operator = awaitTaken(receiver, "email.suppressed by an operator", 1,
                        about("email.suppressed", complainer)).get(0).data();
                assertEquals("operator", operator.getString("source"));
                assertEquals(JsonValue.NULL, operator.get("email_id"));

                String reader = "reader-" + run + "@example.com";
                String list = "news-" + run;
                Api.Reply bulk = api.post("emails", "{\"subject\": \"News\", \"body\": \"x\", \"list_id\": \"" + list
                        + "\", \"recipients\": [{\"to_email\": \"" + reader + "\"}]}");
                assertEquals(200, bulk.status(), bulk.body());
                MimeMessage news = smtp.awaitMessageTo(reader, DEADLINE);
                String link = news.getHeader("List-Unsubscribe", null);
                String token = link.substring(link.lastIndexOf('/') + 1, link.length() - 1);
                Api.Reply unsubscribed = api.withKey(null).call("POST", "unsubscribe/" + token,
                        "List-Unsubscribe=One-Click", "Content-Type", "application/x-www-form-urlencoded");
                assertEquals(200, unsubscribed.status(), unsubscribed.body());
                JsonObject unsubscribe = awaitTaken(receiver, "email.unsubscribed", 1,
                        about("email.unsubscribed", reader)).get(0).data();
                assertEquals(list, unsubscribe.getString("list_id"));

                String laterAddress = "later-" + run + "@example.com";
                Api.Reply later = api.post("email", "{\"to_email\": \"" + laterAddress + "\", \"subject\": \"s\","
                        + " \"body\": \"x\", \"send_at\": \"" + Instant.now().plus(Duration.ofHours(1)) + "\"}");
                assertEquals(200, later.status(), later.body());
                String cancelledId = later.json().getString("request_id");
                assertEquals(200, api.delete("email/" + cancelledId).status());
                JsonObject cancelled = awaitTaken(receiver, "email.cancelled", 1, of("email.cancelled", cancelledId))
                        .get(0).data();
                assertEquals(List.of(laterAddress), strings(cancelled, "recipients"));

                assertWellFormed(receiver);
                Set<String> types = receiver.taken().stream().map(WebhookReceiver.Request::type).collect(Collectors.toSet());
                assertEquals(Set.copyOf(ALL_TYPES), types);
            } finally {
                api.delete("webhooks/" + endpoint);
            }
        }
    }

    /**
     * The receiver is down for a minute while emails are sent: every event is retried, arrives
     * once it is back, and each is taken once (nothing reached it while it was down).
     */
    @Test
    void aReceiverDownForAMinuteGetsEveryEventOnceItIsBack() throws Exception {
        Api api = server.api();
        String run = run();
        try (var receiver = new WebhookReceiver()) {
            String endpoint = register(api, receiver, "email.sent").getString("id");
            try {
                receiver.stop();
                Instant down = Instant.now();
                List<String> ids = List.of(send(api, "down1-" + run + "@example.com"),
                        send(api, "down2-" + run + "@example.com"), send(api, "down3-" + run + "@example.com"));
                await("a minute of failed attempts").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> api.get("webhooks/" + endpoint + "/deliveries").json().getJsonArray("deliveries")
                                .size(), attempts -> attempts >= 9 && Instant.now().isAfter(down.plusSeconds(60)));
                JsonObject failedAttempt = api.get("webhooks/" + endpoint + "/deliveries").json()
                        .getJsonArray("deliveries").getJsonObject(0);
                assertEquals(JsonValue.NULL, failedAttempt.get("status_code"));
                assertEquals("retrying", failedAttempt.getString("outcome"));
                assertFalse(failedAttempt.getString("error").isEmpty());

                receiver.start();
                for (String id : ids) {
                    awaitTaken(receiver, "the event of " + id, 1, of("email.sent", id));
                }
                assertWellFormed(receiver);
                Map<String, Long> perEvent = receiver.taken().stream()
                        .collect(Collectors.groupingBy(WebhookReceiver.Request::id, Collectors.counting()));
                assertEquals(3, perEvent.size(), perEvent.toString());
                assertTrue(perEvent.values().stream().allMatch(n -> n == 1), perEvent.toString());
                JsonObject delivered = api.get("webhooks/" + endpoint + "/deliveries").json()
                        .getJsonArray("deliveries").getJsonObject(0);
                assertEquals(204, delivered.getInt("status_code"));
                assertEquals("delivered", delivered.getString("outcome"));
            } finally {
                api.delete("webhooks/" + endpoint);
            }
        }
    }

    /** A receiver answering 410 Gone disables its endpoint: nothing more is sent to it. */
    @Test
    void goneDisablesTheEndpoint() throws Exception {
        Api api = server.api();
        String run = run();
        try (var receiver = new WebhookReceiver()) {
            receiver.answer(410);
            String endpoint = register(api, receiver, "email.sent").getString("id");
            try {
                send(api, "gone1-" + run + "@example.com");
                await("the endpoint to be disabled").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                        .until(() -> api.get("webhooks").json().getJsonArray("webhooks").stream()
                                .map(JsonValue::asJsonObject).filter(w -> w.getString("id").equals(endpoint))
                                .findFirst().orElseThrow().getBoolean("disabled"));
                JsonObject attempt = api.get("webhooks/" + endpoint + "/deliveries").json().getJsonArray("deliveries")
                        .getJsonObject(0);
                assertEquals(410, attempt.getInt("status_code"));
                assertEquals("disabled", attempt.getString("outcome"));

                String second = send(api, "gone2-" + run + "@example.com");
                api.awaitState(second, "sent", DEADLINE);
                assertEquals(1, receiver.requests().size(), receiver.requests().toString());
                assertEquals(1, api.get("webhooks/" + endpoint + "/deliveries").json().getJsonArray("deliveries").size());
            } finally {
                api.delete("webhooks/" + endpoint);
            }
        }
    }

    /**
     * After a rotation each delivery carries a signature by the old and one by the new secret, so
     * receivers holding either verify; GET never shows a secret; an event can be replayed.
     */
    @Test
    void rotatedSecretsBothVerifyDuringTheOverlap() throws Exception {
        Api api = server.api();
        String run = run();
        try (var receiver = new WebhookReceiver()) {
            JsonObject created = register(api, receiver, "email.sent");
            String endpoint = created.getString("id");
            String old = created.getString("secret");
            try {
                Api.Reply rotated = api.post("webhooks/" + endpoint + "/rotate-secret", "");
                assertEquals(200, rotated.status(), rotated.body());
                String fresh = rotated.json().getString("secret");
                assertNotEquals(old, fresh);
                receiver.trust(fresh);

                Api.Reply listed = api.get("webhooks");
                assertFalse(listed.body().contains(old) || listed.body().contains(fresh) || listed.body().contains("whsec_"),
                        listed.body());
                JsonObject view = listed.json().getJsonArray("webhooks").stream().map(JsonValue::asJsonObject)
                        .filter(w -> w.getString("id").equals(endpoint)).findFirst().orElseThrow();
                assertEquals(List.of("email.sent"), strings(view, "events"));
                assertEquals(receiver.url(), view.getString("url"));

                String id = send(api, "rotate-" + run + "@example.com");
                WebhookReceiver.Request event = awaitTaken(receiver, "email.sent", 1, of("email.sent", id)).get(0);
                assertEquals(2, event.signatures().size(), event.signatures().toString());
                assertEquals(Set.of(old, fresh), event.verifiedBy());

                // Only email.sent was asked for: the email's other events never come.
                assertTrue(receiver.requests().stream().allMatch(r -> r.type().equals("email.sent")));

                assertEquals(202, api.post("webhooks/" + endpoint + "/deliveries/" + event.id() + "/retry", "").status());
                await("the replay").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                        .until(() -> receiver.taken().stream().filter(r -> r.id().equals(event.id())).count() == 2);
                WebhookReceiver.Request replay = receiver.taken().stream().filter(r -> r.id().equals(event.id()))
                        .toList().get(1);
                assertEquals(event.payload(), replay.payload(), "the same payload bytes, signed anew");
                assertEquals(404, api.post("webhooks/" + endpoint + "/deliveries/msg_000000000000000000000000/retry", "")
                        .status());
                assertWellFormed(receiver);
            } finally {
                assertEquals(204, api.delete("webhooks/" + endpoint).status());
                assertEquals(404, api.delete("webhooks/" + endpoint).status());
                assertEquals(404, api.get("webhooks/" + endpoint + "/deliveries").status());
            }
        }
    }

    /**
     * Without WEBHOOK_ALLOW_PRIVATE: loopback, private, link-local and metadata targets are
     * refused (422 naming url), bad input gets a 400 or 422 naming the field, the API key is
     * required, the number of endpoints is bounded; nothing is stored by a refused request.
     */
    @Test
    void privateTargetsAndBadInputAreRefused() throws Exception {
        try (var ownSmtp = TestSmtpServer.onFreePort()) {
            Map<String, String> env = settings(data, ownSmtp, false);
            env.put("WEBHOOK_MAX_ENDPOINTS", "2");
            try (var guarded = PayaraProcess.start("webhooks-guarded", env)) {
                Api api = guarded.api();
                assertEquals(401, api.withKey(null).post("webhooks", "{\"url\": \"https://93.184.216.34/hook\"}").status());
                assertEquals(401, api.withKey(null).get("webhooks").status());

                for (String url : List.of("http://127.0.0.1:8080/hook", "http://localhost/hook",
                        "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "https://192.168.0.10/",
                        "http://172.16.5.4/", "http://100.64.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
                        "http://[fd00::1]/", "http://[fe80::1]/", "http://0.0.0.0/")) {
                    Api.Reply refused = api.post("webhooks", "{\"url\": \"" + url + "\"}");
                    assertEquals(422, refused.status(), url + ": " + refused.body());
                    assertTrue(refused.contentType().startsWith("application/problem+json"), refused.contentType());
                    assertEquals("url", refused.json().getJsonArray("errors").getJsonObject(0).getString("field"), url);
                }
                assertBad(api, "{", 400, null);
                assertBad(api, "{}", 400, "url");
                assertBad(api, "{\"url\": \"ftp://93.184.216.34/\"}", 400, "url");
                assertBad(api, "{\"url\": \"not a url\"}", 400, "url");
                assertBad(api, "{\"url\": \"https://93.184.216.34/" + "a".repeat(2048) + "\"}", 400, "url");
                assertBad(api, "{\"url\": \"https://93.184.216.34/\", \"events\": [\"email.sent\", \"email.opened\"]}",
                        422, "events[1]");
                assertBad(api, "{\"url\": 5}", 400, "url");
                assertEquals(0, api.get("webhooks").json().getInt("count"), "nothing stored");

                Api.Reply first = api.post("webhooks", "{\"url\": \"https://93.184.216.34/a\", \"events\": []}");
                assertEquals(201, first.status(), first.body());
                assertEquals(List.of(), strings(first.json(), "events"), "empty: every event");
                assertEquals(201, api.post("webhooks", "{\"url\": \"https://93.184.216.34/b\"}").status());
                Api.Reply third = api.post("webhooks", "{\"url\": \"https://93.184.216.34/c\"}");
                assertEquals(422, third.status(), third.body());
                assertEquals(2, api.get("webhooks").json().getInt("count"));
                guarded.stop();
            }
        }
    }

    /**
     * Two instances on one PostgreSQL: an endpoint registered on one is the other's too, and the
     * events of emails both send each reach the receiver once (claims with a lease, SKIP LOCKED).
     */
    @Test
    void twoInstancesOnPostgresqlShareEndpointsAndSendEachEventOnce() throws Exception {
        String run = run();
        try (var db = TestDatabase.create(); var ownSmtp = TestSmtpServer.onFreePort();
                var receiver = new WebhookReceiver()) {
            Map<String, String> env = settings(data.resolve("a"), ownSmtp, true);
            env.putAll(db.serverSettings());
            env.put("QUEUE_STORE", "postgresql");
            env.put("INSTANCE_NAME", "hooks-a");
            Map<String, String> envB = new HashMap<>(env);
            envB.put("DATA_DIR", data.resolve("b").toString());
            envB.put("INSTANCE_NAME", "hooks-b");
            try (var a = PayaraProcess.start("webhooks-pg-a", env); var b = PayaraProcess.start("webhooks-pg-b", envB)) {
                String endpoint = register(a.api(), receiver, "email.sent").getString("id");
                JsonObject seenByB = b.api().get("webhooks").json();
                assertEquals(1, seenByB.getInt("count"), seenByB.toString());
                assertEquals(endpoint, seenByB.getJsonArray("webhooks").getJsonObject(0).getString("id"));

                var ids = new java.util.ArrayList<String>();
                for (int i = 0; i < 10; i++) {
                    ids.add(send(a.api(), "pg-a" + i + "-" + run + "@example.com"));
                    ids.add(send(b.api(), "pg-b" + i + "-" + run + "@example.com"));
                }
                for (String id : ids) {
                    awaitTaken(receiver, "the event of " + id, 1, of("email.sent", id));
                }
                assertWellFormed(receiver);
                Map<String, Long> perEvent = receiver.requests().stream()
                        .collect(Collectors.groupingBy(WebhookReceiver.Request::id, Collectors.counting()));
                assertEquals(20, perEvent.size(), perEvent.toString());
                assertTrue(perEvent.values().stream().allMatch(n -> n == 1), "sent twice: " + perEvent);
                assertEquals(20, b.api().get("webhooks/" + endpoint + "/deliveries").json().getJsonArray("deliveries")
                        .size());
                a.stop();
                b.stop();
            }
        }
    }

    private static void assertBad(Api api, String body, int status, String field) {
        Api.Reply reply = api.post("webhooks", body);
        assertEquals(status, reply.status(), body + ": " + reply.body());
        assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType());
        if (field != null) {
            Set<String> fields = new HashSet<>();
            reply.json().getJsonArray("errors").forEach(e -> fields.add(e.asJsonObject().getString("field")));
            assertTrue(fields.contains(field), field + " not named: " + reply.body());
        }
    }

    /**
     * Events still owed when the service is killed with SIGKILL go out after the restart, with
     * the ids they had: the outbox is on disk, not in memory.
     */
    @Test
    void eventsPendingAtASigkillArriveAfterTheRestart() throws Exception {
        String run = run();
        try (var ownSmtp = TestSmtpServer.onFreePort(); var receiver = new WebhookReceiver()) {
            receiver.answer(503);
            Map<String, String> env = settings(data, ownSmtp, true);
            List<String> ids;
            Set<String> owedEvents;
            try (var doomed = PayaraProcess.start("webhooks-doomed", env)) {
                Api api = doomed.api();
                register(api, receiver, "email.sent");
                ids = List.of(send(api, "kill1-" + run + "@example.com"), send(api, "kill2-" + run + "@example.com"),
                        send(api, "kill3-" + run + "@example.com"));
                await("each event refused at least once").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                        .until(() -> receiver.requests().stream().map(WebhookReceiver.Request::id).distinct().count() == 3);
                owedEvents = receiver.requests().stream().map(WebhookReceiver.Request::id).collect(Collectors.toSet());
                doomed.kill();
            }
            receiver.answer(204);
            try (var revived = PayaraProcess.start("webhooks-revived", env)) {
                for (String id : ids) {
                    awaitTaken(receiver, "the event of " + id + " after the restart", 1, of("email.sent", id));
                }
                assertEquals(owedEvents, receiver.taken().stream().map(WebhookReceiver.Request::id)
                        .collect(Collectors.toSet()), "the same events, by id");
                assertWellFormed(receiver);
                revived.stop();
            }
        }
    }
}
