package dev.emailengine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.emailengine.testing.Api;
import dev.emailengine.testing.AppServer;
import dev.emailengine.testing.FreePorts;
import dev.emailengine.testing.Jmx;
import dev.emailengine.testing.LibertyServer;
import dev.emailengine.testing.OpenApiSchemas;
import dev.emailengine.testing.PayaraServer;
import dev.emailengine.testing.TestDatabase;
import dev.emailengine.testing.WildFlyServer;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same target/email-engine.war on Payara Server, WildFly and Open Liberty, each unpacked from
 * Maven Central into target/runtimes/ and configured only from server-config/ with the commands
 * of docs/deploy.md's "Deploy on ..." sections. Each server sends one plain and one template email to
 * GreenMail, logging in with a password that has ':', '=' and a space; reports healthy; shows the
 * queue figures in its MicroProfile surfaces and over JMX; and shuts down cleanly. WildFly and
 * Open Liberty keep the queue in PostgreSQL (QUEUE_STORE=postgresql); Payara Server keeps it in
 * files while its jdbc/emailengine points at a port where no database listens.
 */
class PortabilityIT {

    private static final String SENDER = "engine@emailengine.test";
    private static final String SMTP_PASSWORD = "p:a=ss word";
    private static final String TEMPLATE_EMAIL = """
            {"to_email": "template@example.com", "template_name": "welcome",
             "template_vars": {"name": "Ada", "app_name": "ACME", "username": "ada",
                               "email": "ada@example.com", "signup_date": "2026-11-28"}}""";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path data;

    private GreenMail greenMail;

    @BeforeEach
    void startSmtpServer() throws Exception {
        greenMail = new GreenMail(new ServerSetup(FreePorts.any(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.setUser(SENDER, SENDER, SMTP_PASSWORD);
        greenMail.start();
    }

    @AfterEach
    void stopSmtpServer() {
        greenMail.stop();
    }

    @Test
    void payaraServer() throws Exception {
        try (var server = new PayaraServer()) {
            server.start(settings());
            Api.Reply accepted = sendsPlainAndTemplateEmail(server, "Payara Server");
            URL app = server.url();
            assertOpenApiDescribes(new Api(app), new Api(app), accepted);
            assertReady(new Api(app).get("mp-health/ready"));
            assertCountsSent(new Api(app).get("metrics?scope=application"));
            server.stop();
        }
    }

    /** On WildFly the queue is in PostgreSQL: the driver module, the datasource and the binding all work. */
    @Test
    void wildFly() throws Exception {
        try (var database = TestDatabase.create(); var server = new WildFlyServer()) {
            Map<String, String> settings = settings();
            settings.put("QUEUE_STORE", "postgresql");
            settings.putAll(database.serverSettings());
            server.start(settings);
            Api.Reply accepted = sendsPlainAndTemplateEmail(server, "WildFly");
            // Sent, and finished in the database rather than in files under DATA_DIR.
            String id = accepted.json().getString("request_id");
            await("email " + id + " in finished_email").atMost(Duration.ofSeconds(10)).until(() -> database.finished(id));
            assertTrue(Files.readString(server.serverLog()).contains("LISTEN/NOTIFY wake-ups are on"),
                    "the WAR reaches the driver module's LISTEN/NOTIFY API (jboss-deployment-structure.xml)");
            assertOpenApiDescribes(new Api(server.url()), new Api(server.url()), accepted);
            // WildFly serves MicroProfile Health on its management interface; it has no MP Metrics.
            assertReady(new Api(server.managementUrl()).get("health/ready"));
            server.stop();
        }
    }

    /** On Open Liberty too: its library, dataSource and classloader settings. */
    @Test
    void openLiberty() throws Exception {
        try (var database = TestDatabase.create(); var server = new LibertyServer()) {
            Map<String, String> settings = settings();
            settings.put("QUEUE_STORE", "postgresql");
            settings.putAll(database.serverSettings());
            server.start(settings);
            Api.Reply accepted = sendsPlainAndTemplateEmail(server, "Open Liberty");
            String id = accepted.json().getString("request_id");
            await("email " + id + " in finished_email").atMost(Duration.ofSeconds(10)).until(() -> database.finished(id));
            assertTrue(Files.readString(server.serverLog()).contains("LISTEN/NOTIFY wake-ups are on"),
                    "the application sees the driver's classes (classloader commonLibraryRef)");
            // Liberty's own endpoints are on the admin port, so /health on the app port stays the app's.
            var admin = new Api(server.adminUrl());
            assertOpenApiDescribes(admin, new Api(server.url()), accepted);
            assertReady(admin.get("health/ready"));
            assertCountsSent(admin.get("metrics?scope=application"));
            server.stop();
        }
    }

    private Map<String, String> settings() {
        var env = new HashMap<String, String>();
        env.put("SMTP_SERVER", "127.0.0.1");
        env.put("PORT", String.valueOf(greenMail.getSmtp().getPort()));
        env.put("SENDER_EMAIL", SENDER);
        env.put("PASSWORD", SMTP_PASSWORD);
        env.put("SMTP_AUTH", "true");
        env.put("SMTP_SSL_ENABLE", "false");
        env.put("SMTP_STARTTLS_ENABLE", "false");
        env.put("DATA_DIR", data.resolve("queue").toString());
        env.put("TEMPLATES_DIR", data.resolve("templates").toString());
        env.put("API_KEYS", System.getProperty("it.api.key"));
        env.put("NUM_WORKERS", "2");
        env.put("WORKER_POOL_SIZE", "6");
        // The file store never connects to jdbc/emailengine: here it points at a closed port.
        env.put("DB_URL", "jdbc:postgresql://127.0.0.1:" + FreePorts.any() + "/no_database_here");
        return env;
    }

    private Api.Reply sendsPlainAndTemplateEmail(AppServer server, String serverName) throws Exception {
        var api = new Api(server.url());
        assertHealthy(api);

        Api.Reply plain = api.post("email", """
                {"to_email": "plain@example.com", "subject": "Plain from %s", "body": "Hello from %s"}"""
                .formatted(serverName, serverName));
        assertEquals(200, plain.status(), plain.body());
        Api.Reply template = api.post("email", TEMPLATE_EMAIL);
        assertEquals(200, template.status(), template.body());

        assertTrue(greenMail.waitForIncomingEmail(60_000, 2), "two emails should reach GreenMail; see " + server.serverLog());
        MimeMessage plainMessage = receivedBy("plain@example.com");
        assertEquals("Plain from " + serverName, plainMessage.getSubject());
        assertEquals(SENDER, plainMessage.getFrom()[0].toString());
        assertTrue(((String) plainMessage.getContent()).contains("Hello from " + serverName));
        MimeMessage templateMessage = receivedBy("template@example.com");
        assertEquals("Welcome to ACME, Ada!", templateMessage.getSubject());
        assertTrue(templateMessage.getContentType().startsWith("multipart/alternative"), templateMessage.getContentType());
        var parts = (Multipart) templateMessage.getContent();
        assertEquals(2, parts.getCount());
        assertTrue(((String) parts.getBodyPart(0).getContent()).contains("Hi Ada,"));
        assertTrue(((String) parts.getBodyPart(1).getContent()).contains("<h1>Welcome to ACME, Ada!</h1>"));

        String id = template.json().getString("request_id");
        api.awaitState(id, "sent", Duration.ofSeconds(30));
        assertHealthy(api);
        awaitMbean(server, "EmailsSent", 2L);
        return template;
    }

    /**
     * The server's own MicroProfile OpenAPI implementation builds /openapi from the same reader and
     * annotations: a valid OpenAPI document (3.0 or, on WildFly, 3.1) whose schemas the answers match.
     */
    private static void assertOpenApiDescribes(Api documentHost, Api api, Api.Reply accepted) {
        // The dashboard's files, uPlot's from its webjar included, come from the WAR on every server.
        for (String file : List.of("dashboard", "dashboard/dashboard.js", "dashboard/uplot.min.js")) {
            Api.Reply reply = api.withKey(null).get(file);
            assertEquals(200, reply.status(), file);
            assertTrue(reply.headers().firstValue("Content-Security-Policy").isPresent(), file);
        }
        Api.Reply document = documentHost.get("openapi");
        assertEquals(200, document.status(), document.body());
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document.body());
        assertEquals(List.of(), parsed.getMessages(), document.body());
        assertTrue(parsed.getOpenAPI().getComponents().getSchemas().keySet().containsAll(List.of("EmailRequest",
                "BulkRequest", "Problem")), document.body());
        OpenApiSchemas schemas = OpenApiSchemas.of(document.body());
        var replies = Map.of("AcceptedEmail", accepted, "Health", api.get("health"),
                "EmailDetails", api.get("email/" + accepted.json().getString("request_id")),
                "WorkersStatus", api.get("workers/status"), "Problem", api.post("email", "{\"priority\": 9}"),
                "DashboardFigures", api.get("dashboard/figures"));
        replies.forEach((component, reply) ->
                assertEquals(List.of(), schemas.problems(component, reply.body()), component + ": " + reply.body()));
    }

    private MimeMessage receivedBy(String recipient) throws Exception {
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            if (Arrays.stream(message.getAllRecipients()).anyMatch(a -> a.toString().equals(recipient))) {
                return message;
            }
        }
        throw new AssertionError("nothing received for " + recipient);
    }

    private static void assertHealthy(Api api) {
        Api.Reply health = api.get("health");
        assertEquals(200, health.status(), health.body());
        assertEquals("healthy", health.json().getString("status"), health.body());
    }

    private static void assertReady(Api.Reply readiness) {
        assertEquals(200, readiness.status(), readiness.body());
        assertTrue(readiness.body().contains("\"email-engine\""), "the service's own check is in " + readiness.body());
    }

    private static void assertCountsSent(Api.Reply metrics) {
        assertEquals(200, metrics.status(), metrics.body());
        assertTrue(metrics.body().lines().anyMatch(line -> line.startsWith("emails_sent_total") && line.endsWith(" 2.0")),
                "emails_sent_total should be 2 in\n" + metrics.body());
    }

    /** The figure an operator reads in JConsole (or the server's JMX tooling). */
    private static void awaitMbean(AppServer server, String attribute, long expected) {
        await(attribute + " over JMX to be " + expected).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> server.mbeanAttribute(Jmx.EMAIL_ENGINE, attribute), Long.valueOf(expected)::equals);
    }
}
