package dev.emailengine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.testing.Api;
import dev.emailengine.testing.DeployedService;
import dev.emailengine.testing.OpenApiSchemas;
import dev.emailengine.testing.QueueDirectory;
import dev.emailengine.unsubscribe.control.UnsubscribeTokens;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The REST contract as a client sees it: the original service's paths, fields and shapes; the
 * documentation; API keys; and a table of hostile and broken requests, each answered with a
 * problem naming the field and leaving the queue untouched. The suite's servers run with
 * API_KEYS set (pom.xml), so every call here also proves the key is accepted.
 */
class ApiContractIT extends DeployedService {

    private static final String README_EXAMPLE = """
            {"subject": "Welcome Email", "body": "Welcome to our service.",
             "to_email": "contract@example.com", "format": "multipart"}""";

    @Test
    void everyEndpointOfTheOriginalAnswersInItsShape() {
        Api api = api();
        JsonObject index = api.get("").json();
        assertEquals("Email Engine API", index.getString("name"));
        assertFalse(index.getString("version").isBlank());
        assertEquals("/docs", index.getString("documentation"));
        assertEquals("POST /email", index.getJsonObject("endpoints").getString("send_email"));
        assertEquals("GET|POST /suppressions", index.getJsonObject("endpoints").getString("suppressions"));

        JsonObject accepted = api.post("email", README_EXAMPLE).json();
        assertEquals(Set.of("request_id", "message", "status", "timestamp"), accepted.keySet());
        assertEquals("queued", accepted.getString("status"));
        assertNotNull(Instant.parse(accepted.getString("timestamp")));

        JsonObject status = api.get("status").json();
        for (String field : List.of("total_emails", "total_batches", "batch_size", "batches")) {
            assertTrue(status.containsKey(field), field + " missing from " + status);
        }
        JsonObject health = api.get("health").json();
        assertEquals(Set.of("status", "timestamp", "components"), health.keySet());
        assertEquals(Set.of("queue_manager", "template_engine", "email_sender"),
                health.getJsonObject("components").keySet());
        JsonObject templates = api.get("templates").json();
        assertTrue(templates.getJsonArray("templates").size() >= 4, templates.toString());
        assertEquals(templates.getJsonArray("templates").size(), templates.getInt("count"));
        assertTrue(api.get("templates?detailed=true").json().containsKey("details"));

        JsonObject workers = api.get("workers/status").json();
        assertTrue(workers.getBoolean("auto_processing_enabled"));
        assertEquals("running", workers.getString("worker_pool_status"));
        JsonObject pool = workers.getJsonObject("status");
        assertEquals(3, pool.getInt("total_workers"));
        assertTrue(pool.getInt("active_workers") <= 3);
        assertEquals(Set.of("worker_id", "running", "current_batch", "emails_sent", "emails_failed", "avg_latency_ms"),
                pool.getJsonArray("workers").getJsonObject(0).keySet());

        JsonObject batch = api.post("process-batch", "").json();
        assertTrue(batch.containsKey("message") && batch.containsKey("processed"), batch.toString());

        smtp.awaitTo("contract@example.com", 1, Duration.ofSeconds(30));
        // The server has the message before the worker has its 250 and records the email as sent.
        String id = accepted.getString("request_id");
        await(id + " to be recorded as sent").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> api.get("email/" + id).json().getString("state"), "sent"::equals);
    }

    @Test
    void docsServeSwaggerUiAndOpenApiIsAValidDocumentListingEveryEndpointWithSchemas() {
        Api anonymous = api().withKey(null);
        Api.Reply page = anonymous.get("docs");
        assertEquals(200, page.status());
        assertTrue(page.contentType().startsWith("text/html"), page.contentType());
        assertTrue(page.body().contains("swagger-ui-bundle.js"), page.body());
        Api.Reply bundle = anonymous.get("docs/swagger-ui-bundle.js");
        assertEquals(200, bundle.status());
        assertTrue(bundle.body().contains("SwaggerUIBundle"));
        assertEquals(404, anonymous.get("docs/web.xml").status());
        int traversal = anonymous.get("docs/..%2F..%2FWEB-INF%2Fweb.xml").status();
        assertTrue(traversal == 400 || traversal == 404, "path traversal answered " + traversal);

        Api.Reply document = anonymous.get("openapi");
        assertEquals(200, document.status());
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document.body());
        // Strict: not even the "endpoints" list Payara 6 adds (StandardOpenApiFilter removes it).
        assertEquals(List.of(), parsed.getMessages(), document.body());
        OpenAPI openApi = parsed.getOpenAPI();
        assertTrue(openApi.getOpenapi().startsWith("3."));
        Map<String, Set<PathItem.HttpMethod>> expected = Map.ofEntries(
                Map.entry("/", Set.of(PathItem.HttpMethod.GET)),
                Map.entry("/email", Set.of(PathItem.HttpMethod.POST)),
                Map.entry("/emails", Set.of(PathItem.HttpMethod.POST)),
                Map.entry("/email/{id}", Set.of(PathItem.HttpMethod.GET, PathItem.HttpMethod.DELETE)),
                Map.entry("/status", Set.of(PathItem.HttpMethod.GET)),
                Map.entry("/health", Set.of(PathItem.HttpMethod.GET)),
                Map.entry("/templates", Set.of(PathItem.HttpMethod.GET)),
                Map.entry("/templates/{name}", Set.of(PathItem.HttpMethod.GET, PathItem.HttpMethod.PUT,
                        PathItem.HttpMethod.DELETE)),
                Map.entry("/templates/{name}/preview", Set.of(PathItem.HttpMethod.POST)),
                Map.entry("/workers/status", Set.of(PathItem.HttpMethod.GET)),
                Map.entry("/workers/pause", Set.of(PathItem.HttpMethod.POST)),
                Map.entry("/workers/resume", Set.of(PathItem.HttpMethod.POST)),
                Map.entry("/process-batch", Set.of(PathItem.HttpMethod.POST)),
                Map.entry("/dead-letter", Set.of(PathItem.HttpMethod.GET)),
                Map.entry("/dead-letter/{id}/retry", Set.of(PathItem.HttpMethod.POST)),
                Map.entry("/dead-letter/retry-all", Set.of(PathItem.HttpMethod.POST)),
                Map.entry("/suppressions", Set.of(PathItem.HttpMethod.GET, PathItem.HttpMethod.POST)),
                Map.entry("/suppressions/{address}", Set.of(PathItem.HttpMethod.DELETE)),
                Map.entry("/unsubscribe/{token}", Set.of(PathItem.HttpMethod.GET, PathItem.HttpMethod.POST)),
                Map.entry("/docs", Set.of(PathItem.HttpMethod.GET)),
                Map.entry("/dashboard", Set.of(PathItem.HttpMethod.GET)),
                Map.entry("/dashboard/figures", Set.of(PathItem.HttpMethod.GET)));
        expected.forEach((path, methods) -> {
            PathItem item = openApi.getPaths().get(path);
            assertNotNull(item, path + " is not in /openapi");
            assertEquals(methods, item.readOperationsMap().keySet(), path);
            for (Operation operation : item.readOperations()) {
                assertNotNull(operation.getSummary(), path + " has no summary");
                assertTrue(operation.getResponses().keySet().stream().anyMatch(code -> code.startsWith("2")),
                        path + " documents no success response");
            }
        });
        var request = openApi.getPaths().get("/email").getPost().getRequestBody().getContent().get("application/json");
        assertEquals("#/components/schemas/EmailRequest", request.getSchema().get$ref());
        var schema = openApi.getComponents().getSchemas().get("EmailRequest");
        assertTrue(schema.getProperties().keySet().containsAll(List.of("to_email", "subject", "body", "format",
                "priority", "template_name", "template_vars", "cc", "bcc", "attachments", "send_at")));
        assertTrue(openApi.getComponents().getSchemas().keySet().containsAll(List.of("AcceptedEmail",
                "AcceptedBatch", "EmailDetails", "QueueStatus", "Health", "WorkersStatus", "Problem", "Suppression",
                "SuppressionPage", "SuppressionRequest", "DashboardFigures")));
        assertEquals(Set.of("bearer", "apiKey"), openApi.getComponents().getSecuritySchemes().keySet());
        assertEquals(List.of("to_email"), schema.getRequired());
    }

    @Test
    void theResponsesClientsReceiveMatchTheSchemasTheDocumentDeclares() {
        Api api = api();
        OpenApiSchemas schemas = OpenApiSchemas.of(api.withKey(null).get("openapi").body());
        Api.Reply accepted = api.post("email", README_EXAMPLE);
        String id = accepted.json().getString("request_id");
        Map<String, Api.Reply> replies = new LinkedHashMap<>();
        replies.put("AcceptedEmail", accepted);
        replies.put("AcceptedBatch", api.post("emails", "{\"subject\": \"s\", \"body\": \"b\", \"recipients\": "
                + "[{\"to_email\": \"schema-bulk@example.com\"}]}"));
        replies.put("EmailDetails", api.get("email/" + id));
        replies.put("QueueStatus", api.get("status"));
        replies.put("DeadLetterPage", api.get("dead-letter"));
        replies.put("WorkersStatus", api.get("workers/status"));
        replies.put("ProcessBatch", api.post("process-batch", ""));
        replies.put("Health", api.get("health"));
        replies.put("ServiceIndex", api.get(""));
        replies.put("TemplateList", api.get("templates?detailed=true"));
        replies.put("TemplateSource", api.get("templates/welcome"));
        replies.put("RenderedEmail", api.post("templates/welcome/preview", "{\"template_vars\": {\"name\": \"Ada\", "
                + "\"app_name\": \"ACME\", \"username\": \"ada\", \"email\": \"ada@example.com\", \"signup_date\": \"2026-11-28\"}}"));
        replies.put("DashboardFigures", api.get("dashboard/figures"));
        replies.put("Problem", api.post("email", "{\"to_email\": 42, \"priority\": 9}"));
        replies.forEach((component, reply) -> {
            // Only the problem is meant to be an error: a 4xx elsewhere would be checked against the wrong schema.
            assertEquals(component.equals("Problem") ? 400 : 200, reply.status(), component + ": " + reply.body());
            assertEquals(List.of(), schemas.problems(component, reply.body()), component + ": " + reply.body());
        });
        smtp.awaitTo("contract@example.com", 1, Duration.ofSeconds(30));
        assertEquals(List.of(), schemas.problems("EmailDetails", api.get("email/" + id).body()), "once sent");
    }

    /** Every endpoint but health and docs, with a harmless request each. */
    private static final List<String[]> PROTECTED = List.of(
            new String[] {"GET", ""}, new String[] {"POST", "email"}, new String[] {"POST", "emails"},
            new String[] {"GET", "email/batch_1795000000000_deadbeef"},
            new String[] {"DELETE", "email/batch_1795000000000_deadbeef"}, new String[] {"GET", "status"},
            new String[] {"GET", "templates"}, new String[] {"GET", "templates/welcome"},
            new String[] {"POST", "templates/welcome/preview"}, new String[] {"PUT", "templates/auth-probe"},
            new String[] {"DELETE", "templates/auth-probe"}, new String[] {"GET", "workers/status"},
            new String[] {"POST", "workers/pause"}, new String[] {"POST", "workers/resume"},
            new String[] {"POST", "process-batch"}, new String[] {"GET", "dead-letter"},
            new String[] {"POST", "dead-letter/retry-all"},
            new String[] {"POST", "dead-letter/batch_1795000000000_deadbeef/retry"},
            new String[] {"GET", "suppressions"}, new String[] {"POST", "suppressions"},
            new String[] {"DELETE", "suppressions/auth-probe@example.com"}, new String[] {"GET", "dkim"},
            new String[] {"GET", "dashboard/figures"});

    @Test
    void withApiKeysEveryProtectedEndpointRefusesAMissingWrongOrMisSizedKeyAndAcceptsTheRightOne() {
        String right = System.getProperty("it.api.key");
        String sameLength = "x".repeat(right.length());
        var refused = List.of(api().withKey(null), api().withKey(sameLength), api().withKey(right + "0"),
                api().withKey(right.substring(1)));
        for (String[] endpoint : PROTECTED) {
            String what = endpoint[0] + " /" + endpoint[1];
            for (Api client : refused) {
                Api.Reply reply = client.call(endpoint[0], endpoint[1], "{}", "Content-Type", "application/json");
                assertEquals(401, reply.status(), what);
                assertEquals("application/problem+json", reply.contentType(), what);
                assertEquals(Set.of("type", "title", "status"), reply.json().keySet(), "no detail: " + reply.body());
                assertTrue(reply.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), what);
            }
            Api.Reply withKey = api().call(endpoint[0], endpoint[1], "{}", "Content-Type", "application/json");
            assertTrue(withKey.status() != 401 && withKey.status() < 500, what + " with the key: " + withKey.status());
        }
        Api anonymous = api().withKey(null);
        // Unsubscribe links are public by design: a forged token gets its 404 page, not a 401.
        Api.Reply link = anonymous.call("POST", "unsubscribe/bm9ib2R5.AAAAAAAAAAAAAAAAAAAAAA", "List-Unsubscribe=One-Click",
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(404, link.status(), link.body());
        assertTrue(link.contentType().startsWith("text/html"), link.contentType());
        assertEquals(404, anonymous.get("unsubscribe/bm9ib2R5.AAAAAAAAAAAAAAAAAAAAAA").status());
        for (String beyond : List.of("unsubscribe/..%2Fsuppressions", "unsubscribe/x%2F..%2F..%2Fsuppressions",
                "unsubscribe/x/..%2F..%2Fstatus", "unsubscribe", "unsubscribe/")) {
            int status = anonymous.get(beyond).status();
            assertTrue(status == 401 || status == 404 || status == 400, beyond + " answered " + status);
            assertTrue(anonymous.get(beyond).body().indexOf("\"suppressions\"") < 0, beyond);
        }
        // The dashboard's page and files are public; its figures and whatever a path could reach from there are not.
        assertEquals(200, anonymous.get("dashboard").status());
        assertEquals(200, anonymous.get("dashboard/dashboard.css").status());
        for (String beyond : List.of("dashboard/..%2Fstatus", "dashboard/x.js%2F..%2F..%2Fstatus",
                "dashboard/figures.js", "dashboard/..%2Fdashboard%2Ffigures")) {
            int status = anonymous.get(beyond).status();
            assertTrue(status == 401 || status == 404 || status == 400, beyond + " answered " + status);
            assertTrue(anonymous.get(beyond).body().indexOf("\"samples\"") < 0, beyond);
        }
        assertEquals(200, anonymous.get("docs").status());
        assertEquals(200, anonymous.get("openapi").status());
        assertEquals(200, anonymous.get("mp-health/ready").status());
        assertEquals(200, anonymous.get("templates", "Authorization", "Bearer " + right).status());
        assertEquals(200, anonymous.get("templates", "Authorization", "bearer second-test-key-0123456789").status(),
                "every configured key works, and the scheme is case-insensitive");
        assertEquals(401, anonymous.get("templates", "Authorization", "Basic " + right).status());
    }

    @Test
    void withApiKeysHealthShowsStatesOnlyToCallersWithoutAKeyAndTheReasonsToCallersWithOne() {
        smtp.stop();
        try {
            JsonObject detailed = awaitHealth(api(), sender -> sender.startsWith("unhealthy: "));
            String reason = detailed.getJsonObject("components").getString("email_sender")
                    .substring("unhealthy: ".length());
            assertFalse(reason.isBlank(), detailed.toString());

            for (Api caller : List.of(api().withKey(null), api().withKey("not-a-valid-key-0123456789"))) {
                Api.Reply health = caller.get("health");
                assertEquals(200, health.status(), health.body());
                JsonObject components = health.json().getJsonObject("components");
                assertEquals("degraded", health.json().getString("status"));
                assertEquals("unhealthy", components.getString("email_sender"), health.body());
                assertEquals("healthy", components.getString("queue_manager"));
                assertFalse(health.body().contains(reason), "the SMTP error reached a caller without a key");

                Api.Reply ready = caller.get("mp-health/ready");
                assertEquals(503, ready.status(), ready.body());
                JsonObject data = ready.json().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                        .filter(check -> check.getString("name").equals("email-engine")).findFirst().orElseThrow()
                        .getJsonObject("data");
                assertEquals("unhealthy", data.getString("smtp"), ready.body());
                assertFalse(ready.body().contains(reason), ready.body());
                for (String body : List.of(health.body(), ready.body())) {
                    assertFalse(body.contains(System.getProperty("it.data.dir")), "a path in " + body);
                    assertFalse(body.contains(" MB"), "a free-space figure in " + body);
                }
            }
        } finally {
            smtp.start();
        }
        awaitHealth(api(), "healthy"::equals);
    }

    /** Polls GET /health until the email sender component reads as wanted. */
    private static JsonObject awaitHealth(Api api, Predicate<String> sender) {
        return await("the email sender's health to change").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("health").json(),
                        health -> sender.test(health.getJsonObject("components").getString("email_sender")));
    }

    static Stream<Arguments> badInputs() {
        String ok = "\"to_email\": \"a@example.com\", \"subject\": \"s\", \"body\": \"b\"";
        String tenMiB = "x".repeat(10 * 1024 * 1024);
        String elevenMiBBase64 = Base64.getEncoder().encodeToString(new byte[11 * 1024 * 1024]);
        String manyRecipients = Stream.generate(() -> "{\"to_email\": \"r@example.com\"}").limit(1001)
                .reduce((a, b) -> a + "," + b).orElseThrow();
        return Stream.of(
                bad("malformed JSON", "email", "{\"to_email\": ", 400, "body"),
                bad("a JSON array", "email", "[]", 400, "body"),
                bad("an empty body", "email", "", 400, "body"),
                bad("missing to_email", "email", "{\"subject\": \"s\", \"body\": \"b\"}", 400, "to_email"),
                bad("empty to_email", "email", "{\"to_email\": \"\", \"subject\": \"s\", \"body\": \"b\"}", 400, "to_email"),
                bad("not-an-email", "email", "{\"to_email\": \"not-an-email\", \"subject\": \"s\", \"body\": \"b\"}", 400,
                        "to_email"),
                bad("CR/LF in to_email", "email",
                        "{\"to_email\": \"a@example.com\\r\\nBcc: victim@example.com\", \"subject\": \"s\", \"body\": \"b\"}",
                        400, "to_email"),
                bad("CR/LF in subject", "email",
                        "{\"to_email\": \"a@example.com\", \"subject\": \"Hi\\r\\nBcc: victim@example.com\", \"body\": \"b\"}",
                        400, "subject"),
                bad("to_email of the wrong type", "email", "{\"to_email\": 42, \"subject\": \"s\", \"body\": \"b\"}", 400,
                        "to_email"),
                bad("priority 0", "email", "{" + ok + ", \"priority\": 0}", 400, "priority"),
                bad("priority 4", "email", "{" + ok + ", \"priority\": 4}", 400, "priority"),
                bad("priority as a word", "email", "{" + ok + ", \"priority\": \"high\"}", 400, "priority"),
                bad("format bogus", "email", "{" + ok + ", \"format\": \"bogus\"}", 400, "format"),
                bad("a 10 MiB body", "email", "{\"to_email\": \"a@example.com\", \"subject\": \"s\", \"body\": \"" + tenMiB
                        + "\"}", 413, "body"),
                bad("an unknown template", "email", "{\"to_email\": \"a@example.com\", \"template_name\": \"nope\"}", 400,
                        "template_name"),
                bad("a template name with path traversal", "email",
                        "{\"to_email\": \"a@example.com\", \"template_name\": \"../../etc/passwd\"}", 400, "template_name"),
                bad("a missing template variable", "email",
                        "{\"to_email\": \"a@example.com\", \"template_name\": \"verify\", \"template_vars\": {}}", 400,
                        "template_vars.code"),
                bad("cc not an address", "email", "{" + ok + ", \"cc\": \"nobody\"}", 400, "cc"),
                bad("CR/LF in bcc", "email", "{" + ok + ", \"bcc\": [\"x@example.com\\nTo: y@example.com\"]}", 400, "bcc"),
                bad("CR/LF in from_name", "email", "{" + ok + ", \"from_name\": \"CEO\\r\\nBcc: v@example.com\"}", 400,
                        "from_name"),
                bad("Bcc as a custom header", "email", "{" + ok + ", \"headers\": {\"Bcc\": \"v@example.com\"}}", 400,
                        "headers.Bcc"),
                bad("a Content-Type override", "email", "{" + ok + ", \"headers\": {\"Content-Type\": \"text/html\"}}",
                        400, "headers.Content-Type"),
                bad("CR/LF in a custom header", "email", "{" + ok + ", \"headers\": {\"X-Tag\": \"a\\r\\nBcc: v@x.io\"}}",
                        400, "headers.X-Tag"),
                bad("an attachment that is not base64", "email",
                        "{" + ok + ", \"attachments\": [{\"filename\": \"a.pdf\", \"content_base64\": \"%%%\"}]}", 400,
                        "attachments[0].content_base64"),
                bad("attachments over MAX_ATTACHMENT_BYTES", "email", "{" + ok + ", \"attachments\": [{\"filename\": "
                        + "\"big.bin\", \"content_base64\": \"" + elevenMiBBase64 + "\"}]}", 413, "attachments"),
                bad("send_at in the past", "email", "{" + ok + ", \"send_at\": \"2020-01-01T00:00:00Z\"}", 400, "send_at"),
                bad("send_at without a zone", "email", "{" + ok + ", \"send_at\": \"2030-01-01T00:00:00\"}", 400,
                        "send_at"),
                bad("JSON nested 33 levels deep", "email", "{" + ok + ", \"x\": " + "[".repeat(32) + "]".repeat(32) + "}",
                        400, "body"),
                bad("JSON with 200,001 elements", "email", "{" + ok + ", \"x\": [" + "0,".repeat(200_000) + "0]}", 413,
                        "body"),
                bad("bulk with 1,001 recipients", "emails", "{\"subject\": \"s\", \"body\": \"b\", \"recipients\": ["
                        + manyRecipients + "]}", 413, "recipients"),
                bad("bulk with one bad recipient among good ones", "emails", "{\"subject\": \"s\", \"body\": \"b\", "
                        + "\"recipients\": [{\"to_email\": \"ok@example.com\"}, {\"to_email\": \"bad\"}]}", 400,
                        "recipients[1].to_email"),
                bad("bulk without recipients", "emails", "{\"subject\": \"s\", \"body\": \"b\", \"recipients\": []}", 400,
                        "recipients"),
                bad("suppression of a malformed address", "suppressions", "{\"address\": \"not-an-address\"}", 422,
                        "address"),
                bad("suppression of an address with CR/LF", "suppressions",
                        "{\"address\": \"a@example.com\\r\\nBcc: v@example.com\"}", 422, "address"),
                bad("suppression of a path", "suppressions", "{\"address\": \"../../queue/x@y\"}", 422, "address"),
                bad("suppression without an address", "suppressions", "{\"reason\": \"complaint\"}", 400, "address"),
                bad("suppression without a body", "suppressions", "", 400, "body"),
                bad("suppression with a reason over 1,000 characters", "suppressions",
                        "{\"address\": \"a@example.com\", \"reason\": \"" + "r".repeat(1001) + "\"}", 400, "reason"),
                bad("suppression over 16 KiB", "suppressions",
                        "{\"address\": \"a@example.com\", \"reason\": \"" + "r".repeat(20_000) + "\"}", 413, "body"),
                bad("a list_id with a space", "email", "{" + ok + ", \"list_id\": \"my list\"}", 400, "list_id"),
                bad("a list_id of 65 characters", "emails", "{\"subject\": \"s\", \"body\": \"b\", \"list_id\": \""
                        + "l".repeat(65) + "\", \"recipients\": [{\"to_email\": \"a@example.com\"}]}", 400, "list_id"),
                bad("a list_id with a slash", "emails", "{\"subject\": \"s\", \"body\": \"b\", \"list_id\": \"../x\","
                        + " \"recipients\": [{\"to_email\": \"a@example.com\"}]}", 400, "list_id"),
                bad("a suppression for a list_id that is not one", "suppressions",
                        "{\"address\": \"a@example.com\", \"list_id\": \"a b\"}", 400, "list_id"),
                bad("bulk with attachments", "emails", "{\"subject\": \"s\", \"body\": \"b\", \"recipients\": [{\"to_email\":"
                        + " \"a@example.com\"}], \"attachments\": [{\"content_base64\": \"YQ==\"}]}", 400, "attachments"));
    }

    private static Arguments bad(String name, String path, String body, int status, String field) {
        return Arguments.of(name, path, body, status, field);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputGetsAProblemNamingTheFieldAndQueuesNothing(String name, String path, String body, int status,
            String field) {
        var disk = new QueueDirectory();
        Set<String> before = disk.allIds();

        Api.Reply reply = api().post(path, body);

        assertEquals(status, reply.status(), reply.body());
        assertEquals("application/problem+json", reply.contentType());
        JsonObject problem = reply.json();
        assertEquals(status, problem.getInt("status"));
        assertFalse(reply.body().contains("Exception") || reply.body().contains("at dev.emailengine"), reply.body());
        assertTrue(problem.getJsonArray("errors").stream()
                .anyMatch(e -> e.asJsonObject().getString("field").equals(field)), reply.body());
        assertEquals(before, disk.allIds(), "nothing may be written for a rejected request");
    }

    @Test
    void aMalformedIdempotencyKeyIsRefusedAndUnknownJsonFieldsAreIgnoredOnPurpose() {
        Api.Reply badKey = api().post("email", README_EXAMPLE, "Idempotency-Key", "has spaces in it");
        assertEquals(400, badKey.status());
        assertEquals("Idempotency-Key", badKey.json().getJsonArray("errors").getJsonObject(0).getString("field"));

        // The original's clients may send fields this service does not know; they keep working.
        Api.Reply extra = api().post("email", "{\"to_email\": \"extra-field@example.com\", \"subject\": \"s\", "
                + "\"body\": \"b\", \"campaign\": \"nov\", \"batch_size\": 5}");
        assertEquals(200, extra.status(), extra.body());
        smtp.awaitTo("extra-field@example.com", 1, Duration.ofSeconds(30));
    }

    /** Addresses of this run only: the suite's servers may share a data directory. */
    private static String unique(String local) {
        return local + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * An entry for one list stops that list's mail only: the single email of the list is refused,
     * the bulk of the list skips the address, other lists and transactional mail still go; the
     * entry is shown, filtered and removed by its list_id, and a global one blocks everything.
     */
    @Test
    void aListScopedSuppressionStopsOnlyThatListsMail() {
        Api api = api();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String reader = "reader." + tag + "@example.com";
        String list = "news-" + tag;
        try {
            Api.Reply created = api.post("suppressions", "{\"address\": \"" + reader + "\", \"list_id\": \"" + list
                    + "\", \"reason\": \"asked by phone\"}");
            assertEquals(201, created.status(), created.body());
            assertEquals(list, created.json().getString("list_id"));
            assertEquals(200, api.post("suppressions", "{\"address\": \"" + reader + "\", \"list_id\": \"" + list
                    + "\"}").status(), "idempotent");

            JsonObject filtered = api.get("suppressions?list_id=" + list).json();
            assertEquals(1, filtered.getInt("count"), filtered.toString());
            assertEquals(reader, filtered.getJsonArray("suppressions").getJsonObject(0).getString("address"));
            assertEquals(0, api.get("suppressions?list_id=other-" + tag).json().getInt("count"));
            assertEquals(400, api.get("suppressions?list_id=a%20b").status());

            Api.Reply single = api.post("email", "{\"to_email\": \"" + reader + "\", \"subject\": \"s\", \"body\": \"b\","
                    + " \"list_id\": \"" + list + "\"}");
            assertEquals(422, single.status(), single.body());
            assertTrue(single.body().contains("from list " + list), single.body());
            assertEquals(200, api.post("email", "{\"to_email\": \"" + reader + "\", \"subject\": \"s\", \"body\": \"b\"}")
                    .status(), "transactional mail still goes");
            JsonObject bulk = api.post("emails", "{\"subject\": \"s\", \"body\": \"b\", \"list_id\": \"" + list
                    + "\", \"recipients\": [{\"to_email\": \"" + reader + "\"}, {\"to_email\": \"x." + tag
                    + "@example.com\"}]}").json();
            assertEquals(1, bulk.getInt("count"), bulk.toString());
            assertEquals(reader, bulk.getJsonArray("suppressed").getJsonObject(0).getString("to_email"));
            assertEquals(1, api.post("emails", "{\"subject\": \"s\", \"body\": \"b\", \"recipients\": [{\"to_email\": \""
                    + reader + "\"}]}").json().getInt("count"), "the default list still reaches it");

            assertEquals(201, api.post("suppressions", "{\"address\": \"" + reader + "\"}").status());
            JsonObject all = api.get("suppressions?search=reader." + tag).json();
            assertEquals(2, all.getInt("count"), all.toString());
            assertTrue(all.getJsonArray("suppressions").getValuesAs(JsonObject.class).stream()
                    .anyMatch(e -> e.containsKey("list_id") && e.isNull("list_id")), "a global entry shows list_id null: " + all);
            assertEquals(0, api.post("emails", "{\"subject\": \"s\", \"body\": \"b\", \"list_id\": \"any\","
                    + " \"recipients\": [{\"to_email\": \"" + reader + "\"}]}").json().getInt("count"));

            assertEquals(204, api.delete("suppressions/" + reader).status(), "the global entry");
            assertEquals(1, api.get("suppressions?search=reader." + tag).json().getInt("count"));
            assertEquals(404, api.delete("suppressions/" + reader + "?list_id=other-" + tag).status());
            assertEquals(204, api.delete("suppressions/" + reader + "?list_id=" + list).status());
            assertEquals(0, api.get("suppressions?search=reader." + tag).json().getInt("count"));
        } finally {
            api.delete("suppressions/" + reader);
            api.delete("suppressions/" + reader + "?list_id=" + list);
        }
    }

    @Test
    void suppressionsAreAddedListedSearchedPagedAndRemovedOverTheApi() {
        Api api = api();
        OpenApiSchemas schemas = OpenApiSchemas.of(api.withKey(null).get("openapi").body());
        String tag = unique("supp");
        var added = new ArrayList<String>();
        try {
            Api.Reply created = api.post("suppressions", "{\"address\": \"First." + tag + "@EXAMPLE.com\", "
                    + "\"reason\": \"complaint\"}");
            assertEquals(201, created.status(), created.body());
            assertEquals(List.of(), schemas.problems("Suppression", created.body()));
            String first = "First." + tag + "@example.com";
            added.add(first);
            assertEquals(first, created.json().getString("address"), "the domain is lower-cased, the local part kept");
            assertEquals("complaint", created.json().getString("reason"));
            assertEquals("operator", created.json().getString("source"));
            assertNotNull(Instant.parse(created.json().getString("created_at")));

            Api.Reply again = api.post("suppressions", "{\"address\": \"First." + tag + "@example.COM\", "
                    + "\"reason\": \"another\"}");
            assertEquals(200, again.status(), again.body());
            assertEquals(created.json(), again.json(), "the first entry stays");

            for (int i = 0; i < 4; i++) {
                String address = "n" + i + "." + tag + "@example.com";
                assertEquals(201, api.post("suppressions", "{\"address\": \"" + address + "\"}").status());
                added.add(address);
            }
            String percent = "p%c_t." + tag + "@example.com";
            assertEquals(201, api.post("suppressions", "{\"address\": \"" + percent + "\"}").status());
            added.add(percent);

            var listed = new HashSet<String>();
            String cursor = null;
            int pages = 0;
            do {
                Api.Reply page = api.get("suppressions?limit=2&search=" + tag.toUpperCase(Locale.ROOT)
                        + (cursor == null ? "" : "&cursor=" + cursor));
                assertEquals(200, page.status(), page.body());
                assertEquals(List.of(), schemas.problems("SuppressionPage", page.body()));
                JsonObject json = page.json();
                assertTrue(json.getJsonArray("suppressions").size() <= 2, page.body());
                assertEquals(json.getJsonArray("suppressions").size(), json.getInt("count"));
                json.getJsonArray("suppressions").getValuesAs(JsonObject.class)
                        .forEach(e -> assertTrue(listed.add(e.getString("address")), "twice: " + e));
                cursor = json.containsKey("next_cursor") ? json.getString("next_cursor") : null;
                assertTrue(++pages < 50);
            } while (cursor != null);
            assertEquals(Set.copyOf(added), listed);

            for (String wildcard : List.of("%25", "_", "%5C")) {
                JsonObject found = api.get("suppressions?limit=1000&search=" + wildcard).json();
                String literal = java.net.URLDecoder.decode(wildcard, java.nio.charset.StandardCharsets.UTF_8);
                found.getJsonArray("suppressions").getValuesAs(JsonObject.class).forEach(e -> assertTrue(
                        e.getString("address").contains(literal), wildcard + " matched " + e.getString("address")));
            }
            assertTrue(api.get("suppressions?limit=1000&search=%25c_t." + tag).body().contains(tag));

            assertEquals(204, api.delete("suppressions/" + first.replace("example.com", "Example.Com")).status());
            assertEquals(404, api.delete("suppressions/" + first).status());
            assertEquals(0, api.get("suppressions?search=first." + tag).json().getInt("count"));
        } finally {
            added.forEach(address -> api.delete("suppressions/" + encode(address)));
        }
    }

    private static String encode(String pathSegment) {
        return java.net.URLEncoder.encode(pathSegment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    void hostileSuppressionQueriesAndPathsAreRefusedByNameAndTouchNothing() {
        Api api = api();
        var disk = new QueueDirectory();
        Set<String> before = disk.allIds();
        Map<String, String> refused = Map.of(
                "suppressions?limit=0", "limit", "suppressions?limit=1001", "limit", "suppressions?limit=ten", "limit",
                "suppressions?cursor=not*a*cursor", "cursor", "suppressions?cursor=Li4vLi4vcXVldWU", "cursor",
                "suppressions?search=a%00b", "search", "suppressions?search=" + "s".repeat(400), "search");
        refused.forEach((query, field) -> {
            Api.Reply reply = api.get(query);
            assertEquals(400, reply.status(), query + ": " + reply.body());
            assertEquals("application/problem+json", reply.contentType());
            assertEquals(field, reply.json().getJsonArray("errors").getJsonObject(0).getString("field"), reply.body());
        });
        Api.Reply malformed = api.delete("suppressions/not-an-address");
        assertEquals(422, malformed.status(), malformed.body());
        assertEquals("address", malformed.json().getJsonArray("errors").getJsonObject(0).getString("field"));
        for (String traversal : List.of("suppressions/..%2F..%2Fqueue", "suppressions/..%2F..%2Fx%40example.com",
                "suppressions/%2e%2e%2fqueue%40example.com")) {
            int status = api.delete(traversal).status();
            assertTrue(status == 400 || status == 404 || status == 422, traversal + " answered " + status);
        }
        assertEquals(before, disk.allIds(), "nothing in the queue was touched");
    }

    @Test
    void anEmailToASuppressedAddressIsRefusedAndABulkSkipsItsSuppressedRecipients() {
        Api api = api();
        String gone = unique("gone") + "@example.com";
        String ok = unique("ok");
        assertEquals(201, api.post("suppressions", "{\"address\": \"" + gone + "\", \"reason\": \"550 5.1.1 "
                + "user unknown\"}").status());
        try {
            var disk = new QueueDirectory();
            Set<String> before = disk.allIds();
            int total = api.get("status").json().getInt("total_emails");

            Api.Reply single = api.post("email", "{\"to_email\": \"" + gone.replace("example.com", "EXAMPLE.com")
                    + "\", \"subject\": \"s\", \"body\": \"b\"}");
            assertEquals(422, single.status(), single.body());
            assertEquals("application/problem+json", single.contentType());
            JsonObject error = single.json().getJsonArray("errors").getJsonObject(0);
            assertEquals("to_email", error.getString("field"));
            assertTrue(error.getString("message").contains("550 5.1.1 user unknown"), single.body());
            Api.Reply cc = api.post("email", "{\"to_email\": \"" + ok + "@example.com\", \"cc\": [\"x@example.com\", "
                    + "\"Gone <" + gone + ">\"], \"subject\": \"s\", \"body\": \"b\"}");
            assertEquals(422, cc.status(), cc.body());
            assertEquals("cc[1]", cc.json().getJsonArray("errors").getJsonObject(0).getString("field"));
            // A bulk's suppressed cc or bcc (RecipientScreenTest) cannot be shown here: with PUBLIC_BASE_URL
            // set a bulk refuses every copy first (listMailRefusesCopiesNamingEachAndQueuesNothing).
            Api.Reply onlySuppressed = api.post("emails", "{\"subject\": \"s\", \"body\": \"b\", \"recipients\": "
                    + "[{\"to_email\": \"" + gone + "\"}]}");
            assertEquals(200, onlySuppressed.status(), onlySuppressed.body());
            assertEquals(0, onlySuppressed.json().getInt("count"));
            assertEquals(0, onlySuppressed.json().getJsonArray("request_ids").size());
            assertEquals(gone, onlySuppressed.json().getJsonArray("suppressed").getJsonObject(0).getString("to_email"));
            assertEquals(before, disk.allIds(), "nothing is queued for a suppressed recipient");
            assertEquals(total, api.get("status").json().getInt("total_emails"));

            String mixed = "{\"subject\": \"s\", \"body\": \"b\", \"recipients\": ["
                    + "{\"to_email\": \"" + ok + "-1@example.com\"}, {\"to_email\": \"" + gone + "\"}, "
                    + "{\"to_email\": \"" + ok + "-2@example.com\"}]}";
            Api.Reply bulk = api.post("emails", mixed, "Idempotency-Key", ok);
            assertEquals(200, bulk.status(), bulk.body());
            OpenApiSchemas schemas = OpenApiSchemas.of(api.withKey(null).get("openapi").body());
            assertEquals(List.of(), schemas.problems("AcceptedBatch", bulk.body()));
            assertEquals(2, bulk.json().getInt("count"));
            JsonObject skipped = bulk.json().getJsonArray("suppressed").getJsonObject(0);
            assertEquals(Set.of("to_email", "reason"), skipped.keySet());
            assertEquals(gone, skipped.getString("to_email"));
            assertTrue(skipped.getString("reason").startsWith("550 5.1.1 user unknown"), bulk.body());
            smtp.awaitTo(ok + "-1@example.com", 1, Duration.ofSeconds(30));
            smtp.awaitTo(ok + "-2@example.com", 1, Duration.ofSeconds(30));
            var queued = new HashSet<>(disk.allIds());
            queued.removeAll(before);
            assertEquals(2, queued.size(), "only the two others were queued");
            Api.Reply repeat = api.post("emails", mixed, "Idempotency-Key", ok);
            assertEquals(bulk.json().getJsonArray("request_ids"), repeat.json().getJsonArray("request_ids"));
            assertEquals(bulk.json().getJsonArray("suppressed"), repeat.json().getJsonArray("suppressed"),
                    "a repeat names the suppressed recipients too");

            Api.Reply clean = api.post("emails", "{\"subject\": \"s\", \"body\": \"b\", \"recipients\": "
                    + "[{\"to_email\": \"" + ok + "-3@example.com\"}]}");
            assertEquals(0, clean.json().getJsonArray("suppressed").size(), "suppressed is always there");
        } finally {
            assertEquals(204, api.delete("suppressions/" + gone).status());
        }
        Api.Reply afterRemoval = api.post("email", "{\"to_email\": \"" + gone + "\", \"subject\": \"s\", \"body\": \"b\"}");
        assertEquals(200, afterRemoval.status(), afterRemoval.body());
        smtp.awaitTo(gone, 1, Duration.ofSeconds(30));
    }

    /**
     * With one-click unsubscribe on (PUBLIC_BASE_URL in pom.xml), a copy of list mail would carry
     * the to recipient's link: cc and bcc on a list's single email and on any bulk are a 422 naming
     * each copy, nothing is queued (not even an Idempotency-Key), while the same emails without
     * copies go out with the link and transactional mail keeps its copies.
     */
    @Test
    void listMailRefusesCopiesNamingEachAndQueuesNothing() throws Exception {
        Api api = api();
        String run = unique("copies");
        String list = "news-" + run.substring(run.indexOf('-') + 1);
        String to = run + "@example.com";
        var disk = new QueueDirectory();
        Set<String> before = disk.allIds();

        String single = "{\"to_email\": \"" + to + "\", \"subject\": \"s\", \"body\": \"b\", \"list_id\": \"" + list
                + "\", \"cc\": [\"boss@example.com\", \"team@example.com\"], \"bcc\": \"archive@example.com\"}";
        Api.Reply refused = api.post("email", single, "Idempotency-Key", run);
        assertEquals(422, refused.status(), refused.body());
        assertEquals("application/problem+json", refused.contentType());
        assertEquals(List.of("cc[0]", "cc[1]", "bcc[0]"), fields(refused));
        String why = refused.json().getJsonArray("errors").getJsonObject(0).getString("message");
        assertTrue(why.contains("could unsubscribe") && why.contains("send each copy as its own email"), why);

        for (String copy : List.of("\"bcc\": \"archive@example.com\"", "\"cc\": [\"boss@example.com\"], \"list_id\": \""
                + list + "\"")) {
            Api.Reply bulk = api.post("emails", "{\"subject\": \"s\", \"body\": \"b\", " + copy
                    + ", \"recipients\": [{\"to_email\": \"" + to + "\"}, {\"to_email\": \"" + run + "-2@example.com\"}]}");
            assertEquals(422, bulk.status(), copy + ": " + bulk.body());
            assertEquals("application/problem+json", bulk.contentType());
            // Shared by every recipient's email, so named as the request's field, as other shared faults are.
            assertEquals(List.of(copy.contains("bcc") ? "bcc[0]" : "cc[0]"), fields(bulk), bulk.body());
        }
        assertEquals(before, disk.allIds(), "nothing was queued");

        // The refusal kept no Idempotency-Key: the corrected request under the same key is queued, not a 422.
        Api.Reply withoutCopies = api.post("email", "{\"to_email\": \"" + to + "\", \"subject\": \"s\", \"body\": \"b\","
                + " \"list_id\": \"" + list + "\"}", "Idempotency-Key", run);
        assertEquals(200, withoutCopies.status(), withoutCopies.body());
        String header = smtp.awaitMessageTo(to, Duration.ofSeconds(30)).getHeader("List-Unsubscribe", null);
        assertTrue(header != null && header.startsWith("<https://mail.emailengine.test/unsubscribe/"), header);
        Api.Reply bulkWithoutCopies = api.post("emails", "{\"subject\": \"s\", \"body\": \"b\", \"recipients\": "
                + "[{\"to_email\": \"" + run + "-3@example.com\"}]}");
        assertEquals(200, bulkWithoutCopies.status(), bulkWithoutCopies.body());
        header = smtp.awaitMessageTo(run + "-3@example.com", Duration.ofSeconds(30)).getHeader("List-Unsubscribe", null);
        assertTrue(header != null && header.startsWith("<https://mail.emailengine.test/unsubscribe/"), header);

        Api.Reply transactional = api.post("email", "{\"to_email\": \"" + run + "-4@example.com\", \"subject\": \"s\","
                + " \"body\": \"b\", \"bcc\": \"" + run + "-archive@example.com\"}");
        assertEquals(200, transactional.status(), "no list, no link, copies fine: " + transactional.body());
        smtp.awaitTo(run + "-archive@example.com", 1, Duration.ofSeconds(30));
    }

    /**
     * The unsubscribe link reads at most 4 KiB of body (a 413 problem, nothing recorded) and has
     * GET and POST only: any other method is a 405, with or without a key, that names neither the
     * link's address nor its list and changes nothing.
     */
    @Test
    void anUnsubscribeLinkRefusesAnOversizedBodyAndOtherMethodsRecordingNothing() {
        Api api = api();
        Api anonymous = api.withKey(null);
        String address = unique("link") + "@example.com";
        String list = "limits-" + address.substring(5, 13);
        String token = new UnsubscribeTokens(System.getenv("UNSUBSCRIBE_SECRET")).tokenFor(address, list);
        String link = "unsubscribe/" + token;

        Api.Reply large = anonymous.call("POST", link, "List-Unsubscribe=One-Click&pad=" + "x".repeat(5 * 1024),
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(413, large.status(), large.body());
        assertEquals("application/problem+json", large.contentType());
        assertEquals(0, api.get("suppressions?list_id=" + list).json().getInt("count"), "nothing recorded");

        for (Api client : List.of(anonymous, api)) {
            for (String method : List.of("PUT", "DELETE", "PATCH")) {
                Api.Reply other = client.call(method, link, "List-Unsubscribe=One-Click",
                        "Content-Type", "application/x-www-form-urlencoded");
                assertEquals(405, other.status(), method + ": " + other.body());
                String allow = other.headers().firstValue("Allow").orElse("");
                assertTrue(allow.contains("GET") && allow.contains("POST"), method + " Allow: " + allow);
                assertFalse(other.body().contains(address) || other.body().contains(list), other.body());
                assertTrue(other.headers().firstValue("WWW-Authenticate").isEmpty(), "no key is asked for");
            }
        }
        assertEquals(0, api.get("suppressions?list_id=" + list).json().getInt("count"), "nothing recorded");

        // The same link with the one-click form does unsubscribe: the refusals above were for the body and method.
        Api.Reply done = anonymous.call("POST", link, "List-Unsubscribe=One-Click",
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(200, done.status(), done.body());
        assertEquals(1, api.get("suppressions?list_id=" + list).json().getInt("count"));
        assertEquals(204, api.delete("suppressions/" + address + "?list_id=" + list).status());
    }

    private static List<String> fields(Api.Reply problem) {
        return problem.json().getJsonArray("errors").stream()
                .map(e -> e.asJsonObject().getString("field")).toList();
    }
}
