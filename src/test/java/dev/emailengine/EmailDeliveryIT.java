package dev.emailengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.testing.Api;
import dev.emailengine.testing.QueueDirectory;
import dev.emailengine.testing.TestSmtpServer;
import jakarta.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.File;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real WAR on Payara Micro, driven over HTTP only, delivering to a real SMTP server. The
 * service is configured by the environment failsafe passes on (see pom.xml): sender
 * engine@emailengine.test, SMTP on it.smtp.port, a 30 s polling interval.
 */
@ExtendWith(ArquillianExtension.class)
class EmailDeliveryIT {

    private static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(30);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("it.war")));
    }

    @ArquillianResource
    URL base;

    static TestSmtpServer smtp;

    @BeforeAll
    static void startSmtp() throws Exception {
        smtp = TestSmtpServer.onConfiguredPort();
    }

    @AfterAll
    static void stopSmtp() throws Exception {
        smtp.close();
    }

    private static String recipient(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
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
     * Workers poll only every 30 s in this deployment, so arrival within a second can only come
     * from the enqueue waking an idle worker.
     */
    @Test
    void anEmailPostedToAnIdleServerReachesSmtpWellUnderASecond() {
        // Let the workers go idle: wait until everything earlier has been delivered.
        String warmUp = recipient("warm-up");
        accepted("{\"to_email\": \"%s\", \"subject\": \"warm-up\", \"body\": \"x\"}".formatted(warmUp));
        smtp.awaitMessageTo(warmUp, DELIVERY_DEADLINE);

        var latencies = new ArrayList<Long>();
        for (int i = 0; i < 5; i++) {
            String to = recipient("latency");
            accepted("{\"to_email\": \"%s\", \"subject\": \"latency\", \"body\": \"x\"}".formatted(to));
            long answered = System.nanoTime();
            smtp.awaitMessageTo(to, Duration.ofSeconds(1));
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
        smtp.awaitMessagesTo(to, 50, DELIVERY_DEADLINE);

        int opened = smtp.connections() - before;
        System.out.println("50 emails used " + opened + " new SMTP connections");
        assertTrue(smtp.connections() > 0, "the service reaches SMTP through the counting proxy");
        // Three workers, each opening at most one connection (plus one spare for a reconnect).
        assertTrue(opened <= 6, "50 emails opened " + opened + " SMTP connections");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            invalid JSON            | {"to_email": "a@example.com", "subject": | body
            missing to_email        | {"subject": "s", "body": "b"}            | to_email
            empty request body      | ''                                       | body
            empty email body        | {"to_email": "a@example.com", "subject": "s", "body": ""} | body
            CRLF in subject         | {"to_email": "a@example.com", "subject": "x\\r\\nBcc: victim@example.com", "body": "b"} | subject
            """)
    void badInputGetsAProblemNamingTheFieldAndQueuesNothing(String name, String json, String field) {
        var disk = new QueueDirectory();
        Set<String> before = disk.allIds();

        Api.Reply reply = new Api(base).post("email", json);

        assertEquals(400, reply.status(), reply.body());
        assertEquals("application/problem+json", reply.contentType());
        JsonObject problem = reply.json();
        assertEquals(400, problem.getInt("status"));
        assertTrue(problem.getJsonArray("errors").stream()
                .anyMatch(e -> e.asJsonObject().getString("field").equals(field)), reply.body());
        assertEquals(before, disk.allIds(), "nothing may be written for a rejected request");
    }
}
