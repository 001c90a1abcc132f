package dev.emailengine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.testing.Api;
import dev.emailengine.testing.DeployedService;
import dev.emailengine.testing.QueueDirectory;
import dev.emailengine.testing.TestSmtpServer;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The real WAR on Payara Micro, driven over HTTP only, delivering to a real SMTP server. The
 * service is configured by the environment failsafe passes on (see pom.xml): sender
 * engine@emailengine.test, SMTP on it.smtp.port, a 30 s polling interval.
 */
class EmailDeliveryIT extends DeployedService {

    private static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(30);

    private static String recipient(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    private String post(String to, String subject) {
        return accepted("{\"to_email\": \"%s\", \"subject\": \"%s\", \"body\": \"x\"}".formatted(to, subject))
                .getString("request_id");
    }

    /** Polls GET /email/{id} until it reports {@code state}; fails at the deadline. */
    private JsonObject awaitState(String id, String state) {
        return new Api(base).awaitState(id, state, DELIVERY_DEADLINE);
    }

    private JsonObject accepted(String json) {
        Api.Reply reply = new Api(base).post("email", json);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    @Test
    void plainHtmlAndMultipartEmailsArriveWithTheirHeadersAndStructure() throws Exception {
        String plainTo = recipient("plain");
        String htmlTo = recipient("html");
        String multiTo = recipient("multi");

        JsonObject plain = accepted("""
                {"to_email": "%s", "subject": "Grüße aus Köln ✓", "body": "Hallo Welt"}""".formatted(plainTo));
        JsonObject html = accepted("""
                {"to_email": "%s", "subject": "HTML", "body": "<h1>Hi</h1>", "format": "html"}""".formatted(htmlTo));
        JsonObject multi = accepted("""
                {"to_email": "%s", "subject": "Welcome Email", "body": "Welcome to our service.",
                 "format": "multipart", "priority": 1}""".formatted(multiTo));

        for (JsonObject reply : List.of(plain, html, multi)) {
            assertEquals(Set.of("request_id", "message", "status", "timestamp"), reply.keySet());
            assertEquals("queued", reply.getString("status"));
            assertNotNull(Instant.parse(reply.getString("timestamp")));
        }

        MimeMessage p = smtp.awaitMessageTo(plainTo, DELIVERY_DEADLINE);
        assertEquals("Email Engine <engine@emailengine.test>", p.getFrom()[0].toString());
        assertEquals("Grüße aus Köln ✓", p.getSubject());
        assertNotNull(p.getSentDate());
        assertEquals("<" + plain.getString("request_id") + "@emailengine.test>", p.getMessageID());
        assertTrue(p.isMimeType("text/plain"), p.getContentType());
        assertEquals("Hallo Welt", p.getContent().toString().strip());

        MimeMessage h = smtp.awaitMessageTo(htmlTo, DELIVERY_DEADLINE);
        assertTrue(h.isMimeType("text/html"), h.getContentType());
        assertEquals("<h1>Hi</h1>", h.getContent().toString().strip());
        assertEquals("<" + html.getString("request_id") + "@emailengine.test>", h.getMessageID());

        MimeMessage m = smtp.awaitMessageTo(multiTo, DELIVERY_DEADLINE);
        assertEquals("Welcome Email", m.getSubject());
        assertTrue(m.isMimeType("multipart/alternative"), m.getContentType());
        var parts = (MimeMultipart) m.getContent();
        assertEquals(2, parts.getCount());
        assertTrue(parts.getBodyPart(0).isMimeType("text/plain"));
        assertTrue(parts.getBodyPart(1).isMimeType("text/html"));
        assertEquals("Welcome to our service.", parts.getBodyPart(0).getContent().toString().strip());
    }

    /**
     * Workers poll only every 30 s in this deployment, so arrival within a few seconds can only
     * come from the enqueue waking an idle worker. The bound leaves room for a loaded machine;
     * the printed latencies show the usual figure (tens of milliseconds).
     */
    @Test
    void anEmailPostedToAnIdleServerReachesSmtpWithoutWaitingForAPoll() {
        // Let the workers go idle: wait until everything earlier has been delivered.
        String warmUp = recipient("warm-up");
        accepted("{\"to_email\": \"%s\", \"subject\": \"warm-up\", \"body\": \"x\"}".formatted(warmUp));
        smtp.awaitMessageTo(warmUp, DELIVERY_DEADLINE);

        var latencies = new ArrayList<Long>();
        for (int i = 0; i < 5; i++) {
            String to = recipient("latency");
            accepted("{\"to_email\": \"%s\", \"subject\": \"latency\", \"body\": \"x\"}".formatted(to));
            long answered = System.nanoTime();
            smtp.awaitMessageTo(to, Duration.ofSeconds(5));
            latencies.add((System.nanoTime() - answered) / 1_000_000);
        }
        System.out.println("idle 200-to-SMTP latencies (ms): " + latencies);
    }

    @Test
    void fiftyEmailsInARowShareAFewSmtpConnections() {
        int before = smtp.connections();
        String to = recipient("reuse");
        for (int i = 0; i < 50; i++) {
            accepted("{\"to_email\": \"%s\", \"subject\": \"reuse %d\", \"body\": \"x\"}".formatted(to, i));
        }
        smtp.awaitTo(to, 50, DELIVERY_DEADLINE);

        int opened = smtp.connections() - before;
        System.out.println("50 emails used " + opened + " new SMTP connections");
        assertTrue(smtp.connections() > 0, "the service reaches SMTP through the counting proxy");
        // Three workers, each opening at most one connection (plus one spare for a reconnect).
        assertTrue(opened <= 6, "50 emails opened " + opened + " SMTP connections");
    }

    @Test
    void withThirtyPercent451sAndTenRetriesEveryEmailArrivesAndNoneIsDeadLettered() {
        int count = 40;
        var ids = new ArrayList<String>();
        var recipients = new ArrayList<String>();
        for (int i = 0; i < count; i++) {
            String to = recipient("flaky30-" + i);
            recipients.add(to);
            ids.add(post(to, "flaky " + i));
        }
        for (String to : recipients) {
            smtp.awaitTo(to, 1, Duration.ofSeconds(60));
        }
        for (String id : ids) {
            assertEquals("sent", awaitState(id, "sent").getString("state"));
        }
        JsonArray dead = new Api(base).get("dead-letter?limit=1000").json().getJsonArray("emails");
        assertTrue(dead.stream().noneMatch(e -> ids.contains(e.asJsonObject().getString("request_id"))));
    }

    @Test
    void a550IsDeadLetteredAfterExactlyOneAttemptWithItsCodeAndText() throws Exception {
        String id = post(recipient("reject550"), "rejected");

        JsonObject dead = awaitState(id, "dead");

        JsonArray attempts = dead.getJsonArray("attempts");
        assertEquals(1, attempts.size(), dead.toString());
        assertEquals(550, attempts.getJsonObject(0).getInt("smtp_code"));
        assertTrue(attempts.getJsonObject(0).getString("message").contains("user unknown"), dead.toString());
        assertEquals(0, dead.getInt("retry_count"));
        Path file = Path.of(System.getProperty("it.data.dir"), "dead_letter", id + ".json");
        assertTrue(Files.readString(file).contains("user unknown"), "the dead letter on disk keeps the reply");
        assertTrue(Files.readString(file).contains("\"to_email\""), "and the original payload");
    }

    /** The recipients of GET /email/{id} as address -> "state enhanced_status". */
    private static Map<String, String> outcomes(JsonObject details) {
        var outcomes = new TreeMap<String, String>();
        for (var r : details.getJsonArray("recipients").getValuesAs(JsonObject.class)) {
            outcomes.put(r.getString("address"), r.getString("kind") + " " + r.getString("state") + " "
                    + r.getString("enhanced_status", "-"));
        }
        return outcomes;
    }

    @Test
    void aCcRefusedWith511BouncesWhileTheToRecipientGetsTheEmailExactlyOnce() {
        String to = recipient("outcome-to");
        String cc = recipient("policy-550-5.1.1-gone");
        String id = accepted("{\"to_email\": \"%s\", \"cc\": [\"%s\"], \"subject\": \"partial\", \"body\": \"x\"}"
                .formatted(to, cc)).getString("request_id");

        JsonObject sent = awaitState(id, "sent");

        assertEquals(1, smtp.to(to).size(), "the to recipient got it once");
        assertEquals(List.of(), smtp.to(cc));
        assertEquals(Map.of(to, "to sent 2.0.0", cc, "cc bounced 5.1.1"), outcomes(sent), sent.toString());
        JsonObject bounced = sent.getJsonArray("recipients").getJsonObject(1);
        assertTrue(bounced.getString("reply").startsWith("550 5.1.1"), bounced.toString());
        assertNotNull(Instant.parse(bounced.getString("updated_at")));
        assertEquals(0, sent.getInt("retry_count"));
        JsonArray attempts = sent.getJsonArray("attempts");
        assertEquals(1, attempts.size(), sent.toString());
        assertEquals("SENT", attempts.getJsonObject(0).getString("outcome"));

        // The hard bounce put cc on the suppression list, with the reply and the email that bounced...
        var api = new Api(base);
        JsonObject entry = await("the bounced cc on the suppression list").atMost(DELIVERY_DEADLINE)
                .until(() -> api.get("suppressions?search=" + URLEncoder.encode(cc, StandardCharsets.UTF_8)).json().getJsonArray("suppressions"), e -> !e.isEmpty())
                .getJsonObject(0);
        assertEquals(cc, entry.getString("address"));
        assertEquals("bounce", entry.getString("source"));
        assertEquals(id, entry.getString("email_id"));
        assertTrue(entry.getString("reason").startsWith("550 5.1.1"), entry.toString());
        // ...so the next email to it is refused, naming the field and why, while the to recipient still gets mail.
        Api.Reply again = api.post("email", "{\"to_email\": \"%s\", \"subject\": \"again\", \"body\": \"x\"}"
                .formatted(cc));
        assertEquals(422, again.status(), again.body());
        JsonObject error = again.json().getJsonArray("errors").getJsonObject(0);
        assertEquals("to_email", error.getString("field"));
        assertTrue(error.getString("message").contains("5.1.1"), again.body());
        accepted("{\"to_email\": \"%s\", \"subject\": \"still fine\", \"body\": \"x\"}".formatted(to));
    }

    /** The transport names recipients by their bare mailbox; display names must not hide who got it. */
    @Test
    void displayNamedRecipientsAreSettledByTheirMailbox() {
        String to = recipient("named-to");
        String cc = recipient("policy-550-5.1.1-named");
        String id = accepted("{\"to_email\": \"Ada <%s>\", \"cc\": [\"Gone <%s>\"], \"subject\": \"named\", \"body\": \"x\"}"
                .formatted(to, cc)).getString("request_id");

        JsonObject sent = awaitState(id, "sent");

        assertEquals(Map.of("Ada <" + to + ">", "to sent 2.0.0", "Gone <" + cc + ">", "cc bounced 5.1.1"), outcomes(sent),
                sent.toString());
        assertEquals(0, sent.getInt("retry_count"), "the accepted recipient was not deferred: " + sent);
        assertEquals(1, smtp.to(to).size(), "the to recipient got it once");
        var api = new Api(base);
        await("the bounced cc on the suppression list").atMost(DELIVERY_DEADLINE)
                .until(() -> api.get("suppressions?search=" + URLEncoder.encode(cc, StandardCharsets.UTF_8)).json()
                        .getJsonArray("suppressions"), e -> !e.isEmpty());
        assertEquals(1, smtp.to(to).size(), "and not again");
    }

    @Test
    void aTransientReplyToOneRecipientIsRetriedForThatRecipientAlone() throws Exception {
        String to = recipient("retry-to");
        String cc = recipient("first-451-4.3.0-later");
        String id = accepted("{\"to_email\": \"%s\", \"cc\": [\"%s\"], \"subject\": \"again\", \"body\": \"x\"}"
                .formatted(to, cc)).getString("request_id");

        JsonObject sent = awaitState(id, "sent");

        assertEquals(1, smtp.to(to).size(), "the recipient that had it was not sent it again");
        assertEquals(1, smtp.to(cc).size());
        assertEquals(to, smtp.to(cc).get(0).message().getHeader("To", null), "the retry keeps the headers");
        assertEquals(smtp.to(to).get(0).messageId(), smtp.to(cc).get(0).messageId(), "and the Message-ID");
        assertEquals(Map.of(to, "to sent 2.0.0", cc, "cc sent 2.0.0"), outcomes(sent), sent.toString());
        assertEquals(1, sent.getInt("retry_count"));
        JsonArray attempts = sent.getJsonArray("attempts");
        assertEquals(2, attempts.size(), sent.toString());
        assertEquals("TRANSIENT_FAILURE", attempts.getJsonObject(0).getString("outcome"));
        assertEquals(451, attempts.getJsonObject(0).getInt("smtp_code"));
        assertEquals("4.3.0", attempts.getJsonObject(0).getString("enhanced_status"));
    }

    /**
     * 30 % of RCPTs answered {@code 451 4.7.1} (a seeded random draw): throttling costs time, never
     * an attempt. THROTTLE_DELAY is 1 s in this deployment.
     */
    @Test
    void withThirtyPercentThrottlingEveryEmailArrivesOnceWithoutSpendingARetry() {
        int before = smtp.throttledReplies();
        var ids = new ArrayList<String>();
        var recipients = new ArrayList<String>();
        for (int i = 0; i < 30; i++) {
            String to = recipient("throttle30-" + i);
            recipients.add(to);
            ids.add(post(to, "throttled " + i));
        }
        var throttledAttempts = new ArrayList<JsonObject>();
        for (String id : ids) {
            JsonObject sent = new Api(base).awaitState(id, "sent", Duration.ofSeconds(90));
            assertEquals(0, sent.getInt("retry_count"), "throttling spent a retry of " + sent);
            sent.getJsonArray("attempts").getValuesAs(JsonObject.class).stream()
                    .filter(a -> a.getString("outcome").equals("THROTTLED")).forEach(throttledAttempts::add);
        }
        for (String to : recipients) {
            assertEquals(1, smtp.to(to).size(), to);
        }
        assertTrue(smtp.throttledReplies() > before, "the server never throttled; the test proved nothing");
        assertEquals(smtp.throttledReplies() - before,
                throttledAttempts.stream().mapToInt(a -> a.getInt("count", 1)).sum(),
                "every throttling reply is a THROTTLED attempt (those in a row one entry with their count)");
        throttledAttempts.forEach(a -> {
            assertEquals(451, a.getInt("smtp_code"));
            assertEquals("4.7.1", a.getString("enhanced_status"));
        });
        JsonArray dead = new Api(base).get("dead-letter?limit=1000").json().getJsonArray("emails");
        assertTrue(dead.stream().noneMatch(e -> ids.contains(e.asJsonObject().getString("request_id"))));
        // No limit is configured here: the throttling set a pace of its own, which grows back and
        // is then gone (the pacing component's AIMD; PacingIT follows it against a configured limit).
        await("the throttled pace to recover and be lifted").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> new Api(base).get("workers/status").json().getJsonArray("rate_limits"), JsonArray::isEmpty);
    }

    @Test
    void aPolicyRefusal571IsDeadWithItsEnhancedStatus() {
        String to = recipient("policy-554-5.7.1-spam");
        String id = post(to, "refused");

        JsonObject dead = awaitState(id, "dead");

        JsonObject attempt = dead.getJsonArray("attempts").getJsonObject(0);
        assertEquals("PERMANENT_FAILURE", attempt.getString("outcome"));
        assertEquals(554, attempt.getInt("smtp_code"));
        assertEquals("5.7.1", attempt.getString("enhanced_status"));
        assertEquals(Map.of(to, "to failed 5.7.1"), outcomes(dead), "refused by policy: failed, not a bounce");
    }

    @Test
    void aDeadLetterRequeuedThroughTheApiIsDeliveredOnceTheServerAcceptsIt() {
        String to = recipient("gate");
        String id = post(to, "second chance");
        awaitState(id, "dead");

        smtp.open(to);
        Api.Reply retry = new Api(base).post("dead-letter/" + id + "/retry", "");

        assertEquals(200, retry.status(), retry.body());
        smtp.awaitMessageTo(to, DELIVERY_DEADLINE);
        JsonObject sent = awaitState(id, "sent");
        assertEquals(2, sent.getJsonArray("attempts").size(), "the failed attempt stays in the history");
        assertEquals(404, new Api(base).post("dead-letter/" + id + "/retry", "").status());
    }

    /**
     * Three emails that each fail twice with 451 would hold all three workers if a backoff blocked
     * a worker; the emails posted after them must still arrive before the first retry is due.
     */
    @Test
    void emailsWaitingForARetryDoNotHoldUpOthers() {
        var failing = IntStream.range(0, 3).mapToObj(i -> post(recipient("fail2-" + i), "fails twice")).toList();
        Instant earliestRetry = failing.stream()
                .map(id -> Instant.parse(awaitState(id, "retrying").getString("next_attempt_at")))
                .min(Instant::compareTo).orElseThrow();

        var others = IntStream.range(0, 5).mapToObj(i -> recipient("flowing-" + i)).toList();
        others.forEach(to -> post(to, "flows"));
        for (String to : others) {
            Instant arrived = smtp.awaitTo(to, 1, DELIVERY_DEADLINE).get(0).at();
            assertTrue(arrived.isBefore(earliestRetry),
                    "an email posted after the failures arrived at " + arrived + ", after the first retry was due at "
                            + earliestRetry);
        }
        failing.forEach(id -> awaitState(id, "sent"));
    }

    @Test
    void pausedWorkersLeaveTheQueueAloneAndProcessBatchTakesHighPriorityFirst() {
        assertEquals(200, new Api(base).post("workers/pause", "").status());
        try {
            String low = accepted("{\"to_email\": \"%s\", \"subject\": \"low\", \"body\": \"x\", \"priority\": 3}"
                    .formatted(recipient("prio-low"))).getString("request_id");
            String normal = post(recipient("prio-normal"), "normal");
            String high = accepted("{\"to_email\": \"%s\", \"subject\": \"high\", \"body\": \"x\", \"priority\": 1}"
                    .formatted(recipient("prio-high"))).getString("request_id");
            assertEquals("queued", new Api(base).get("email/" + low).json().getString("state"));

            // Whatever earlier tests left due is processed too; only the order of ours is asserted,
            // so the test does not depend on what ran before it.
            var order = new ArrayList<String>();
            JsonObject run = new Api(base).post("process-batch", "").json();
            for (int calls = 1; run.getBoolean("processed"); calls++) {
                assertTrue(calls <= 200, "process-batch never ran out of due emails");
                String id = run.getString("request_id");
                if (List.of(high, normal, low).contains(id)) {
                    order.add(id);
                }
                run = new Api(base).post("process-batch", "").json();
            }
            assertEquals(List.of(high, normal, low), order);
            assertTrue(run.getString("message").length() > 0, "an empty run says so: " + run);
            assertEquals("sent", new Api(base).get("email/" + high).json().getString("state"));
        } finally {
            assertEquals(200, new Api(base).post("workers/resume", "").status());
        }
    }

    @Test
    void statusReportsTheOriginalFieldsCountsAndPagesAndUnknownIdsAre404() {
        awaitState(post(recipient("status"), "counted"), "sent"); // something sent, whatever ran before
        JsonObject status = new Api(base).get("status?limit=5").json();
        for (String field : List.of("total_emails", "total_batches", "batch_size", "batches", "pending",
                "scheduled_retry", "processing", "dead_letter", "sent")) {
            assertTrue(status.containsKey(field), field + " missing from " + status);
        }
        assertTrue(status.getJsonArray("batches").size() <= 5);
        assertTrue(status.getJsonNumber("sent").longValue() > 0);

        Api.Reply unknown = new Api(base).get("email/batch_1795000000000_deadbeef");
        assertEquals(404, unknown.status());
        assertEquals("application/problem+json", unknown.contentType());
        int traversal = new Api(base).get("email/..%2F..%2Fetc%2Fpasswd").status();
        assertTrue(traversal == 400 || traversal == 404, "path traversal answered " + traversal);
        assertEquals(404, new Api(base).get("email/not-an-id").status());
        assertEquals(400, new Api(base).get("status?limit=0").status());
    }

    @Test
    void healthReportsEveryComponentInTheOriginalsShapeAndMicroProfileHealthAnswers() {
        JsonObject health = api().get("health").json();

        assertEquals("healthy", health.getString("status"), health.toString());
        assertNotNull(Instant.parse(health.getString("timestamp")));
        JsonObject components = health.getJsonObject("components");
        assertEquals(Set.of("queue_manager", "template_engine", "email_sender"), components.keySet());
        components.values().forEach(v -> assertEquals("\"healthy\"", v.toString()));
        assertEquals(200, api().get("mp-health/live").status());
        Api.Reply ready = api().get("mp-health/ready");
        assertEquals(200, ready.status(), ready.body());
        assertTrue(ready.body().contains("\"UP\""), ready.body());
    }

    @Test
    void ccBccReplyToHeadersAndAttachmentsArriveAndBccIsOnlyInTheEnvelope() throws Exception {
        String to = recipient("extras-to");
        String cc = recipient("extras-cc");
        String bcc = recipient("extras-bcc");
        accepted("""
                {"to_email": "%s", "cc": ["%s"], "bcc": "%s", "reply_to": "help@example.com",
                 "from_name": "Billing Team", "subject": "Invoice", "body": "See attached.",
                 "headers": {"X-Campaign": "november", "List-Unsubscribe": "<https://example.com/u>"},
                 "attachments": [{"filename": "../../etc/invoice.pdf", "content_type": "application/pdf",
                                  "content_base64": "JVBERi0xLjQK"}]}""".formatted(to, cc, bcc));

        MimeMessage atBcc = smtp.awaitMessageTo(bcc, DELIVERY_DEADLINE);
        smtp.awaitTo(to, 1, DELIVERY_DEADLINE);
        smtp.awaitTo(cc, 1, DELIVERY_DEADLINE);

        var raw = new ByteArrayOutputStream();
        atBcc.writeTo(raw);
        String wire = raw.toString(StandardCharsets.UTF_8);
        assertFalse(wire.contains(bcc), "the bcc address must not be in the message:\n" + wire);
        assertNull(atBcc.getHeader("Bcc"));
        assertEquals(to, atBcc.getRecipients(RecipientType.TO)[0].toString());
        assertEquals(cc, atBcc.getRecipients(RecipientType.CC)[0].toString());
        assertEquals("help@example.com", atBcc.getReplyTo()[0].toString());
        assertEquals("Billing Team <engine@emailengine.test>", atBcc.getFrom()[0].toString());
        assertEquals("november", atBcc.getHeader("X-Campaign", null));
        assertEquals("<https://example.com/u>", atBcc.getHeader("List-Unsubscribe", null));
        var mixed = (MimeMultipart) atBcc.getContent();
        assertEquals("See attached.", mixed.getBodyPart(0).getContent());
        assertEquals("invoice.pdf", mixed.getBodyPart(1).getFileName(), "the path is stripped from the filename");
        assertTrue(mixed.getBodyPart(1).isMimeType("application/pdf"));
        assertEquals("%PDF-1.4\n", new String(mixed.getBodyPart(1).getInputStream().readAllBytes(),
                StandardCharsets.US_ASCII));
    }

    @Test
    void anIdempotentRepeatIsAnsweredAsTheFirstAndQueuesNothingWhileADifferentBodyIs422() {
        String to = recipient("idem");
        String body = "{\"to_email\": \"%s\", \"subject\": \"once\", \"body\": \"x\"}".formatted(to);
        String key = "order-" + UUID.randomUUID();
        Set<String> before = new QueueDirectory().allIds();

        Api.Reply first = new Api(base).post("email", body, "Idempotency-Key", key);
        Api.Reply repeat = new Api(base).post("email", body, "Idempotency-Key", key);
        Api.Reply other = new Api(base).post("email", body.replace("once", "twice"), "Idempotency-Key", key);

        assertEquals(200, first.status(), first.body());
        assertEquals(first.body(), repeat.body(), "the repeat gets the first answer, byte for byte");
        assertEquals(422, other.status(), other.body());
        smtp.awaitTo(to, 1, DELIVERY_DEADLINE);
        Set<String> added = new QueueDirectory().allIds();
        added.removeAll(before);
        assertEquals(Set.of(first.json().getString("request_id")), added, "exactly one email was queued");
    }

    @Test
    void aBulkOfAThousandRecipientsArrivesAsAThousandPersonalisedEmails() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        var recipients = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            recipients.append(i == 0 ? "" : ",").append("{\"to_email\": \"bulk%d-%s@example.com\", "
                    .formatted(i, run)).append("\"template_vars\": {\"message\": \"number %d\"}}".formatted(i));
        }
        Api.Reply reply = new Api(base).post("emails", """
                {"template_name": "notification", "priority": 3,
                 "template_vars": {"app_name": "Bulk IT", "title": "News"},
                 "recipients": [%s]}""".formatted(recipients));

        assertEquals(200, reply.status(), reply.body());
        JsonObject batch = reply.json();
        assertEquals(1000, batch.getInt("count"));
        assertEquals(1000, batch.getJsonArray("request_ids").stream().distinct().count());
        var arrived = smtp.await(r -> r.recipient().endsWith("-" + run + "@example.com"), 1000,
                Duration.ofSeconds(120), "the bulk of 1,000");
        assertEquals(1000, arrived.stream().map(TestSmtpServer.Received::recipient).distinct().count());
        MimeMessage seventh = smtp.awaitMessageTo("bulk7-" + run + "@example.com", DELIVERY_DEADLINE);
        assertTrue(text(seventh).contains("number 7"), "each recipient gets its own variables");
    }

    /**
     * MAX_BULK_BYTES (64 MiB by default) is the sum of all recipients' rendered bodies: a bulk of
     * exactly that size is accepted and delivered by a server with a 512 MB heap, one byte more is
     * a 413 and queues nothing.
     */
    @Test
    void theLargestBulkTheLimitsAllowIsDeliveredAndOneByteMoreIsRefused() {
        String template = "bulkcap" + UUID.randomUUID().toString().substring(0, 8);
        Api.Reply created = new Api(base).put("templates/" + template,
                "{\"subject\": \"cap\", \"text\": \"{{big}}{{extra}}\"}");
        assertEquals(201, created.status(), created.body());
        String run = UUID.randomUUID().toString().substring(0, 8);
        int recipients = 512;
        String big = "x".repeat(64 * 1024 * 1024 / recipients);
        java.util.function.IntFunction<String> bulk = extraOnLast -> {
            var list = new StringBuilder();
            for (int i = 0; i < recipients; i++) {
                list.append(i == 0 ? "" : ",").append("{\"to_email\": \"cap%d-%s@example.com\", \"template_vars\": {\"extra\": \"%s\"}}"
                        .formatted(i, run, i == recipients - 1 && extraOnLast > 0 ? "y" : ""));
            }
            return "{\"template_name\": \"%s\", \"template_vars\": {\"big\": \"%s\"}, \"recipients\": [%s]}"
                    .formatted(template, big, list);
        };
        Set<String> before = new QueueDirectory().allIds();

        Api.Reply tooBig = new Api(base).post("emails", bulk.apply(1));
        assertEquals(413, tooBig.status(), tooBig.body());
        assertTrue(tooBig.body().contains("MAX_BULK_BYTES"), tooBig.body());
        assertEquals(before, new QueueDirectory().allIds(), "a refused bulk queues nothing");

        Api.Reply largest = new Api(base).post("emails", bulk.apply(0));
        assertEquals(200, largest.status(), largest.body());
        var arrived = smtp.await(r -> r.recipient().endsWith("-" + run + "@example.com"), recipients,
                Duration.ofSeconds(180), "the largest bulk");
        assertEquals(recipients, arrived.stream().map(TestSmtpServer.Received::recipient).distinct().count());
        assertTrue(text(arrived.get(0).message()).startsWith(big.substring(0, 1000)));
    }

    /** An Idempotency-Key belongs to the caller: another API key using the same string gets its own email. */
    @Test
    void idempotencyKeysAreScopedByApiKey() {
        Api first = new Api(base);
        Api second = new Api(base).withKey("second-test-key-0123456789");
        String key = "shared-" + UUID.randomUUID();
        String body = "{\"to_email\": \"%s\", \"subject\": \"scoped\", \"body\": \"x\"}".formatted(recipient("scoped"));
        String otherBody = body.replace("scoped", "other");

        Api.Reply mine = first.post("email", body, "Idempotency-Key", key);
        Api.Reply theirsSame = second.post("email", body, "Idempotency-Key", key);
        Api.Reply mineAgain = first.post("email", body, "Idempotency-Key", key);
        Api.Reply theirsAgain = second.post("email", body, "Idempotency-Key", key);
        String otherKey = "other-" + UUID.randomUUID();
        Api.Reply mineOther = first.post("email", body, "Idempotency-Key", otherKey);
        Api.Reply theirsDifferent = second.post("email", otherBody, "Idempotency-Key", otherKey);

        assertEquals(200, mine.status(), mine.body());
        assertEquals(200, theirsSame.status(), theirsSame.body());
        assertFalse(mine.json().getString("request_id").equals(theirsSame.json().getString("request_id")),
                "the second caller's request was queued on its own, not answered with the first caller's id");
        assertEquals(mine.body(), mineAgain.body(), "each caller's repeat is answered from its own record");
        assertEquals(theirsSame.body(), theirsAgain.body());
        assertEquals(200, mineOther.status(), mineOther.body());
        assertEquals(200, theirsDifferent.status(),
                "another caller's different request under the same key string is no reuse (and leaks nothing): "
                        + theirsDifferent.body());
        // Leave nothing queued behind: a later test may count on an otherwise empty queue.
        for (Api.Reply queued : List.of(mine, theirsSame, mineOther, theirsDifferent)) {
            awaitState(queued.json().getString("request_id"), "sent");
        }
    }

    @Test
    void aScheduledEmailWaitsForSendAtAndACancelledOneNeverArrives() {
        String scheduledTo = recipient("scheduled");
        String cancelledTo = recipient("cancelled");
        Instant sendAt = Instant.now().plusSeconds(3);
        String cancelled = accepted("{\"to_email\": \"%s\", \"subject\": \"c\", \"body\": \"x\", \"send_at\": \"%s\"}"
                .formatted(cancelledTo, sendAt.minusSeconds(1))).getString("request_id");
        String scheduled = accepted("{\"to_email\": \"%s\", \"subject\": \"s\", \"body\": \"x\", \"send_at\": \"%s\"}"
                .formatted(scheduledTo, sendAt)).getString("request_id");

        Api.Reply cancel = new Api(base).delete("email/" + cancelled);
        assertEquals(200, cancel.status(), cancel.body());
        assertEquals("cancelled", cancel.json().getString("state"));
        assertEquals(200, new Api(base).delete("email/" + cancelled).status(), "cancelling twice is harmless");
        assertEquals("queued", new Api(base).get("email/" + scheduled).json().getString("state"));

        Instant arrived = smtp.awaitTo(scheduledTo, 1, DELIVERY_DEADLINE).get(0).at();
        assertFalse(arrived.isBefore(sendAt), "arrived at " + arrived + ", before send_at " + sendAt);
        // The cancelled email was due a second before this one arrived: had it lived, it would be here.
        assertEquals(List.of(), smtp.to(cancelledTo));
        assertEquals("cancelled", new Api(base).get("email/" + cancelled).json().getString("state"));
        awaitState(scheduled, "sent");
        assertEquals(409, new Api(base).delete("email/" + scheduled).status(), "a sent email cannot be cancelled");
    }

    @Test
    void metricsCountAcceptedSentRetriedAndDeadLetteredEmails() {
        Map<String, Double> before = metrics();

        String sent = post(recipient("metrics-ok"), "ok");
        String retried = post(recipient("fail2-metrics"), "retried");
        String dead = post(recipient("reject550-metrics"), "dead");
        awaitState(sent, "sent");
        awaitState(retried, "sent");
        awaitState(dead, "dead");

        Map<String, Double> after = metrics();
        // At least: an earlier test's email may still be finishing. Absent before: nothing counted yet.
        for (var expected : Map.of("emails_accepted_total", 3, "emails_sent_total", 2, "emails_retried_total", 2,
                "emails_dead_lettered_total", 1, "emails_failed_total", 3, "emails_send_latency_seconds_count", 2)
                .entrySet()) {
            String name = expected.getKey();
            assertTrue(after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0) >= expected.getValue(),
                    name + " should have grown by " + expected.getValue() + ": before " + before + ", after " + after);
        }
        assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("worker_emails_sent_total{")), after.toString());
        assertTrue(after.containsKey("queue_depth{state=\"due\"}"), after.toString());
    }

    /** The application's metrics in Prometheus text, as name{tags} -> value (the scope tag dropped). */
    private Map<String, Double> metrics() {
        Api.Reply reply = new Api(base).get("metrics?scope=application");
        assertEquals(200, reply.status(), reply.body());
        var values = new TreeMap<String, Double>();
        for (String line : reply.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, space).replaceAll("mp_scope=\"application\",?", "").replace("{}", "");
            values.put(name, Double.valueOf(line.substring(space + 1)));
        }
        return values;
    }

    private static String text(MimeMessage message) {
        try {
            Object content = message.getContent();
            if (content instanceof MimeMultipart parts) {
                return String.valueOf(parts.getBodyPart(0).getContent());
            }
            return String.valueOf(content);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The token of a List-Unsubscribe header: {@code <https://.../unsubscribe/{token}>}. */
    private static String tokenOf(String listUnsubscribe) {
        assertNotNull(listUnsubscribe);
        assertTrue(listUnsubscribe.startsWith("<https://mail.emailengine.test/unsubscribe/")
                && listUnsubscribe.endsWith(">"), listUnsubscribe);
        return listUnsubscribe.substring(listUnsubscribe.lastIndexOf('/') + 1, listUnsubscribe.length() - 1);
    }

    /** The same token's MAC over another list and address: what a forger can make without the secret. */
    private static String tampered(String token, String listId, String address) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString((listId + "\n" + address)
                .getBytes(StandardCharsets.UTF_8)) + token.substring(token.indexOf('.'));
    }

    private JsonObject bulk(String listId, String template, String... recipients) {
        var list = new StringBuilder();
        for (String r : recipients) {
            list.append(list.isEmpty() ? "" : ",").append("{\"to_email\": \"%s\", \"template_vars\": {\"name\": \"%s\"}}"
                    .formatted(r, r.substring(0, r.indexOf('-'))));
        }
        Api.Reply reply = new Api(base).post("emails", "{\"template_name\": \"%s\", %s\"recipients\": [%s]}"
                .formatted(template, listId == null ? "" : "\"list_id\": \"" + listId + "\", ", list));
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    /**
     * RFC 8058 end to end, the service started with PUBLIC_BASE_URL and UNSUBSCRIBE_SECRET (see
     * pom.xml): a bulk arrives with both headers and its recipient's link in the body; a GET (a
     * link scanner) changes nothing; a forged token changes nothing; the one-click POST made as
     * a mailbox provider makes it (form body, no key, no cookie) and a later bulk to that list
     * skips the address, while other lists and transactional mail still reach it.
     */
    @Test
    void oneClickUnsubscribeStopsOneListAndNothingElse() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String news = "news-" + run;
        String offers = "offers." + run;
        String template = "unsub" + run;
        assertEquals(201, new Api(base).put("templates/" + template,
                "{\"subject\": \"News for {{name}}\", \"text\": \"Hello {{name}}\\nUnsubscribe: {{unsubscribe_url}}\"}")
                .status());
        String reader = recipient("reader");
        String other = recipient("other");
        Api anonymous = new Api(base).withKey(null);

        bulk(news, template, reader, other);
        MimeMessage first = smtp.awaitMessageTo(reader, DELIVERY_DEADLINE);
        String header = first.getHeader("List-Unsubscribe", null);
        assertEquals("List-Unsubscribe=One-Click", first.getHeader("List-Unsubscribe-Post", null));
        String token = tokenOf(header);
        assertTrue(first.getContent().toString().contains("Unsubscribe: " + header.substring(1, header.length() - 1)),
                "{{unsubscribe_url}} is the header's link: " + first.getContent());
        MimeMessage toOther = smtp.awaitMessageTo(other, DELIVERY_DEADLINE);
        assertTrue(!tokenOf(toOther.getHeader("List-Unsubscribe", null)).equals(token), "a token per recipient");

        // A link scanner's GET: a page with the one-click form, and nothing changes.
        Api.Reply page = anonymous.get("unsubscribe/" + token);
        assertEquals(200, page.status(), page.body());
        assertTrue(page.contentType().startsWith("text/html"), page.contentType());
        assertTrue(page.body().contains("name=\"List-Unsubscribe\" value=\"One-Click\""), page.body());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").startsWith("default-src 'none'"));
        assertEquals(0, new Api(base).get("suppressions?list_id=" + news).json().getInt("count"));

        // Forged: the MAC of this token over another address, or another list.
        for (String forged : List.of(tampered(token, news, other), tampered(token, offers, reader),
                token.substring(0, token.length() - 2) + "AA", "garbled")) {
            Api.Reply refused = anonymous.call("POST", "unsubscribe/" + forged, "List-Unsubscribe=One-Click",
                    "Content-Type", "application/x-www-form-urlencoded");
            assertEquals(404, refused.status(), forged + ": " + refused.body());
            assertFalse(refused.body().contains("Exception"), refused.body());
            assertEquals(404, anonymous.get("unsubscribe/" + forged).status());
        }
        assertEquals(0, new Api(base).get("suppressions?list_id=" + news).json().getInt("count"));
        assertEquals(0, new Api(base).get("suppressions?list_id=" + offers).json().getInt("count"));

        JsonObject afterGet = bulk(news, template, reader);
        assertEquals(0, afterGet.getJsonArray("suppressed").size(), "the GET unsubscribed nobody");
        smtp.awaitTo(reader, 2, DELIVERY_DEADLINE);

        // The mailbox provider's POST: the form, no API key, no cookie; twice, as retries do.
        for (int i = 0; i < 2; i++) {
            Api.Reply done = anonymous.call("POST", "unsubscribe/" + token, "List-Unsubscribe=One-Click",
                    "Content-Type", "application/x-www-form-urlencoded");
            assertEquals(200, done.status(), done.body());
            assertTrue(done.headers().firstValue("Set-Cookie").isEmpty());
            assertTrue(done.headers().firstValue("Location").isEmpty());
        }
        JsonArray entries = new Api(base).get("suppressions?list_id=" + news).json().getJsonArray("suppressions");
        assertEquals(1, entries.size(), entries.toString());
        assertEquals(reader, entries.getJsonObject(0).getString("address"));
        assertEquals("unsubscribe", entries.getJsonObject(0).getString("source"));
        assertEquals(news, entries.getJsonObject(0).getString("list_id"));

        // The same list skips the address; another list and transactional mail still reach it.
        JsonObject again = bulk(news, template, reader, other);
        assertEquals(1, again.getInt("count"));
        assertEquals(List.of(reader), again.getJsonArray("suppressed").stream()
                .map(v -> v.asJsonObject().getString("to_email")).toList());
        bulk(offers, template, reader);
        accepted("{\"to_email\": \"%s\", \"subject\": \"Your receipt\", \"body\": \"x\"}".formatted(reader));
        Api.Reply single = new Api(base).post("email", ("{\"to_email\": \"%s\", \"subject\": \"s\", \"body\": \"x\","
                + " \"list_id\": \"%s\"}").formatted(reader, news));
        assertEquals(422, single.status(), single.body());
        assertTrue(single.body().contains("to_email"), single.body());
        List<MimeMessage> later = smtp.awaitTo(reader, 4, DELIVERY_DEADLINE).stream().skip(2)
                .map(TestSmtpServer.Received::message).toList();
        MimeMessage offer = later.stream().filter(m -> subject(m).startsWith("News")).findFirst().orElseThrow();
        MimeMessage receipt = later.stream().filter(m -> subject(m).equals("Your receipt")).findFirst().orElseThrow();
        String offerToken = tokenOf(offer.getHeader("List-Unsubscribe", null));
        assertTrue(new String(java.util.Base64.getUrlDecoder().decode(offerToken.substring(0, offerToken.indexOf('.'))),
                StandardCharsets.UTF_8).startsWith(offers + "\n"), "the other list's email links to its own list");
        assertNull(receipt.getHeader("List-Unsubscribe"), "transactional mail carries no unsubscribe link");
        smtp.awaitTo(other, 2, DELIVERY_DEADLINE);
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
