package dev.emailengine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.testing.Api;
import dev.emailengine.testing.DeployedService;
import dev.emailengine.testing.QueueDirectory;
import jakarta.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Templates through HTTP on the real WAR. TEMPLATES_DIR starts empty (see pom.xml), so every
 * default used here was re-created by the service itself.
 */
class TemplatesIT extends DeployedService {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static String[] parts(MimeMessage m) throws Exception {
        assertTrue(m.isMimeType("multipart/alternative"), m.getContentType());
        var multipart = (MimeMultipart) m.getContent();
        assertEquals(2, multipart.getCount());
        assertTrue(multipart.getBodyPart(0).isMimeType("text/plain"));
        assertTrue(multipart.getBodyPart(1).isMimeType("text/html"));
        return new String[] {m.getSubject(), multipart.getBodyPart(0).getContent().toString(),
                multipart.getBodyPart(1).getContent().toString()};
    }

    /** The original README's four template examples, byte for byte (only the recipient differs per test run). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            verify         | MyApp  | 123456      | 30
            welcome        | MyApp  | John Doe    | johndoe
            password_reset | MyApp  | ABC123      | 24
            notification   | MyApp  | System Maintenance | Our system will undergo maintenance on Saturday from 2-4 AM UTC.
            """)
    void theReadmeTemplateExamplesArriveAsMultipartWithEveryVariableFilledIn(String template, String appName,
            String first, String second) throws Exception {
        String to = template + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String vars = switch (template) {
            case "verify" -> """
                    "code": "123456",
                          "app_name": "MyApp",
                          "expiry_minutes": 30""";
            case "welcome" -> """
                    "name": "John Doe",
                          "username": "johndoe",
                          "email": "john@example.com",
                          "signup_date": "2026-05-04",
                          "app_name": "MyApp\"""";
            case "password_reset" -> """
                    "name": "John Doe",
                          "app_name": "MyApp",
                          "reset_code": "ABC123",
                          "expiry_hours": 24""";
            default -> """
                    "title": "System Maintenance",
                          "message": "Our system will undergo maintenance on Saturday from 2-4 AM UTC.",
                          "app_name": "MyApp\"""";
        };
        String body = """
                {
                    "to_email": "%s",
                    "template_name": "%s",
                    "template_vars": {
                      %s
                    }
                  }""".formatted(to, template, vars);

        Api.Reply reply = new Api(base).post("email", body);

        assertEquals(200, reply.status(), reply.body());
        String[] p = parts(smtp.awaitMessageTo(to, DEADLINE));
        for (String part : p) {
            assertFalse(part.contains("{{"), "an unfilled placeholder in: " + part);
        }
        assertTrue(p[0].contains(appName) || p[0].contains(first), "subject: " + p[0]);
        for (String value : List.of(appName, first, second)) {
            assertTrue(p[1].contains(value), value + " missing from the text part: " + p[1]);
            assertTrue(p[2].contains(value), value + " missing from the HTML part: " + p[2]);
        }
    }

    @Test
    void htmlInAVariableArrivesEscapedInTheHtmlPartAndVerbatimInTheText() throws Exception {
        String to = "escape-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Api.Reply reply = new Api(base).post("email", """
                {"to_email": "%s", "template_name": "welcome", "template_vars": {"name": "<script>alert(1)</script>",
                 "username": "u", "email": "u@example.com", "signup_date": "2026-05-04", "app_name": "MyApp"}}"""
                .formatted(to));
        assertEquals(200, reply.status(), reply.body());

        String[] p = parts(smtp.awaitMessageTo(to, DEADLINE));
        assertTrue(p[1].contains("<script>alert(1)</script>"), p[1]);
        assertTrue(p[2].contains("&lt;script&gt;alert(1)&lt;/script&gt;"), p[2]);
        assertFalse(p[2].contains("<script>"), p[2]);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing variables | verify              | {"code": "1"}                      | template_vars.app_name
            unknown template  | no_such_template    | {}                                 | template_name
            path traversal    | ../../etc/passwd    | {}                                 | template_name
            slash in name     | a/b                 | {}                                 | template_name
            empty name        | ''                  | {}                                 | template_name
            65-character name | aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | {} | template_name
            CRLF into subject | verify              | {"code": "1\\r\\nBcc: v@example.com", "app_name": "A", "expiry_minutes": 1} | template_vars.code
            """)
    void badTemplateRequestsAre400sNamingTheFieldAndQueueNothing(String name, String template, String vars,
            String field) {
        var disk = new QueueDirectory();
        Set<String> before = disk.allIds();

        Api.Reply reply = new Api(base).post("email", """
                {"to_email": "x@example.com", "template_name": "%s", "template_vars": %s}""".formatted(template, vars));

        assertEquals(400, reply.status(), reply.body());
        assertTrue(reply.json().getJsonArray("errors").stream()
                .anyMatch(e -> e.asJsonObject().getString("field").equals(field)), reply.body());
        assertEquals(before, disk.allIds());
    }

    @Test
    void theListingHasTheOriginalsShapeAndTheDetailsItsManifest() {
        JsonObject list = new Api(base).get("templates").json();
        assertTrue(list.getJsonArray("templates").size() >= 4);
        assertEquals(list.getJsonArray("templates").size(), list.getInt("count"));
        assertFalse(list.containsKey("details"));

        JsonObject verify = new Api(base).get("templates?detailed=true").json().getJsonObject("details")
                .getJsonObject("verify");
        assertEquals(List.of("app_name", "code", "expiry_minutes"), verify.getJsonArray("placeholders")
                .getValuesAs(jakarta.json.JsonString::getString));
        assertEquals(List.of("verify.txt", "verify.html"), verify.getJsonArray("files")
                .getValuesAs(jakarta.json.JsonString::getString));

        assertEquals(404, new Api(base).get("templates/nope").status());
        assertEquals(400, new Api(base).get("templates/bad%20name").status());
    }

    @Test
    void previewRendersWithoutSendingAndAPutTemplateIsUsableAtOnce() throws Exception {
        var disk = new QueueDirectory();
        Set<String> before = disk.allIds();
        Api.Reply preview = new Api(base).post("templates/notification/preview", """
                {"template_vars": {"title": "T", "message": "<b>M</b>", "app_name": "A"}}""");
        assertEquals(200, preview.status(), preview.body());
        assertEquals("[A] T", preview.json().getString("subject"));
        assertTrue(preview.json().getString("html").contains("&lt;b&gt;M&lt;/b&gt;"));
        assertEquals(before, disk.allIds(), "a preview queues nothing");

        String name = "promo_" + UUID.randomUUID().toString().substring(0, 8);
        Api.Reply created = put(name, """
                {"subject": "Sale for {{name}}", "text": "Hi {{name}}, {{percent}}% off.", "description": "promo"}""");
        assertEquals(201, created.status(), created.body());
        Api.Reply broken = put(name, """
                {"subject": "Sale", "text": "{{#open}} never closed"}""");
        assertEquals(400, broken.status(), broken.body());
        assertEquals("Hi {{name}}, {{percent}}% off.", new Api(base).get("templates/" + name).json().getString("text"),
                "the old version stays after a rejected PUT");

        String to = "promo-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        assertEquals(200, new Api(base).post("email", """
                {"to_email": "%s", "template_name": "%s", "template_vars": {"name": "Ann", "percent": 20}}"""
                .formatted(to, name)).status());
        MimeMessage m = smtp.awaitMessageTo(to, DEADLINE);
        assertEquals("Sale for Ann", m.getSubject());
        assertTrue(m.isMimeType("text/plain"), "a text-only template sends text/plain");
        assertEquals("Hi Ann, 20% off.", m.getContent().toString().strip());

        assertEquals(204, new Api(base).delete("templates/" + name).status());
        assertEquals(404, new Api(base).delete("templates/" + name).status());
    }

    @Test
    void aPutReplacesATemplateBrokenOnDiskRefusesPartialsAndAnEmptySubjectIsNeverSent() throws Exception {
        // The TEMPLATES_DIR the server was started with (pom.xml), edited by hand as an operator would.
        Path dir = Path.of(System.getenv("TEMPLATES_DIR"));
        String broken = "broken_" + UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(dir.resolve(broken + ".txt"), "Subject\n{{#never_closed}}");

        Api.Reply replaced = put(broken, """
                {"subject": "Fixed {{x}}", "text": "Body {{x}}"}""");
        assertEquals(200, replaced.status(), replaced.body());
        assertEquals("Fixed 1", new Api(base).post("templates/" + broken + "/preview", """
                {"template_vars": {"x": 1}}""").json().getString("subject"));

        Api.Reply partial = put("partial_" + UUID.randomUUID().toString().substring(0, 8), """
                {"subject": "Hi", "text": "Hi {{> footer}}"}""");
        assertEquals(400, partial.status(), partial.body());
        assertTrue(partial.json().getJsonArray("errors").stream()
                .anyMatch(e -> e.asJsonObject().getString("field").equals("text")), partial.body());

        String titled = "titled_" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(201, put(titled, """
                {"subject": "{{title}}", "text": "Body"}""").status());
        var disk = new QueueDirectory();
        Set<String> before = disk.allIds();
        Api.Reply empty = new Api(base).post("email", """
                {"to_email": "x@example.com", "template_name": "%s", "template_vars": {"title": ""}}"""
                .formatted(titled));
        assertEquals(400, empty.status(), empty.body());
        assertTrue(empty.json().getJsonArray("errors").stream()
                .anyMatch(e -> e.asJsonObject().getString("field").equals("subject")), empty.body());
        assertEquals(before, disk.allIds());
    }

    @Test
    void aSmallTemplateRepeatingALargeValueIsA413BeforeItExpands() {
        String name = "repeat_" + UUID.randomUUID().toString().substring(0, 8);
        Api.Reply created = put(name, "{\"subject\": \"Big\", \"text\": \"" + "{{a}}".repeat(200_000) + "\"}");
        assertEquals(201, created.status(), created.body());
        var disk = new QueueDirectory();
        Set<String> before = disk.allIds();

        // 200,000 times 1 MB would be 200 GB; rendering stops at MAX_BODY_BYTES (5 MB).
        Api.Reply reply = new Api(base).post("email", """
                {"to_email": "x@example.com", "template_name": "%s", "template_vars": {"a": "%s"}}"""
                .formatted(name, "x".repeat(1024 * 1024)));

        assertEquals(413, reply.status(), reply.body());
        assertTrue(reply.json().getJsonArray("errors").stream()
                .anyMatch(e -> e.asJsonObject().getString("field").equals("body")), reply.body());
        assertEquals(before, disk.allIds());
        assertEquals(204, new Api(base).delete("templates/" + name).status());
    }

    private Api.Reply put(String name, String json) {
        return new Api(base).put("templates/" + name, json);
    }
}
