package dev.emailengine.docs.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.emailengine.dispatch.control.Deliverer;
import dev.emailengine.dispatch.control.SmtpCircuitBreaker;
import dev.emailengine.dispatch.entity.BatchRun;
import dev.emailengine.dispatch.entity.DeliveryPause;
import dev.emailengine.dispatch.entity.WorkersStatus;
import dev.emailengine.docs.entity.ServiceIndex;
import dev.emailengine.emails.entity.AcceptedBatch;
import dev.emailengine.emails.entity.AcceptedEmail;
import dev.emailengine.health.entity.Health;
import dev.emailengine.platform.JsonConfiguration;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.problems.entity.Problem;
import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.DeadLetterPage;
import dev.emailengine.queue.entity.EmailDetails;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.EmailState;
import dev.emailengine.queue.entity.QueueStatus;
import dev.emailengine.queue.entity.QueuedEmail;
import dev.emailengine.queue.entity.Recipient;
import dev.emailengine.queue.entity.Requeued;
import dev.emailengine.suppressions.entity.Suppression;
import dev.emailengine.suppressions.entity.SuppressionPage;
import dev.emailengine.templates.entity.RenderedEmail;
import dev.emailengine.templates.entity.TemplateList;
import dev.emailengine.templates.entity.TemplateSummary;
import dev.emailengine.templates.entity.TemplateView;
import dev.emailengine.testing.OpenApiSchemas;
import io.smallrye.openapi.api.OpenApiConfig;
import io.smallrye.openapi.runtime.io.Format;
import io.smallrye.openapi.runtime.io.IOContext;
import io.smallrye.openapi.runtime.io.JsonIO;
import io.smallrye.openapi.runtime.io.OpenAPIDefinitionIO;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.json.bind.Jsonb;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.eclipse.microprofile.openapi.OASFactory;
import org.junit.jupiter.api.Test;

/**
 * The schemas the reader builds, run on a real MicroProfile OpenAPI implementation (SmallRye, as
 * on WildFly and Liberty), written out, and judged by independent tools: swagger-parser for the
 * document, networknt for the JSON the records really turn into.
 */
class ApiSchemasTest {

    /** SmallRye's defaults, without a MicroProfile Config implementation to read them from. */
    private static final OpenApiConfig DEFAULTS = new OpenApiConfig() {
        @Override
        public <R, T> T getConfigValue(String name, Class<R> type, Function<R, T> converter, Supplier<T> defaultValue) {
            return defaultValue.get();
        }

        @Override
        public <R, T> Map<String, T> getConfigValueMap(String prefix, Class<R> type, Function<R, T> converter) {
            return Map.of();
        }

        @Override
        public void setAllowNakedPathParameter(Boolean allow) {
        }
    };

    private static final String DOCUMENT = document();
    private static final OpenAPI PARSED = parse(DOCUMENT);
    private static final OpenApiSchemas SCHEMAS = OpenApiSchemas.of(DOCUMENT);
    private static final Jsonb JSONB = JsonConfiguration.snakeCase();
    private static final Instant AT = Instant.parse("2030-01-31T09:00:00Z");

    private static String document() {
        var model = new ApiSchemas().buildModel().openapi("3.0.3")
                .info(OASFactory.createInfo().title("Email Engine API").version("1")).paths(OASFactory.createPaths());
        return write(model, JsonIO.newInstance(DEFAULTS));
    }

    private static <V, A extends V, O extends V, AB, OB> String write(
            org.eclipse.microprofile.openapi.models.OpenAPI model, JsonIO<V, A, O, AB, OB> json) {
        return json.toString(new OpenAPIDefinitionIO<>(IOContext.forJson(json)).write(model).orElseThrow(), Format.JSON);
    }


    private static OpenAPI parse(String document) {
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document);
        assertEquals(List.of(), parsed.getMessages(), document);
        return parsed.getOpenAPI();
    }

    private static Schema<?> schema(String component) {
        return PARSED.getComponents().getSchemas().get(component);
    }

    private static Schema<?> property(String component, String property) {
        return schema(component).getProperties().get(property);
    }

    @Test
    void everySchemaTheResourcesAndRecordsReferToIsGenerated() {
        var refs = new TreeSet<String>();
        for (JavaClass type : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.emailengine")) {
            Class<?> c = type.reflect();
            Stream.of(Stream.of(c), Arrays.stream(c.getDeclaredMethods()),
                    Arrays.stream(c.getDeclaredMethods()).flatMap(m -> Arrays.stream(m.getParameters())),
                    Arrays.stream(c.getDeclaredFields())).flatMap(s -> s)
                    .forEach(element -> refs(((AnnotatedElement) element).getAnnotations(), refs));
        }
        assertTrue(refs.containsAll(List.of("EmailRequest", "BulkRequest", "Problem", "WorkersStatus")), refs.toString());
        var missing = new TreeSet<>(refs);
        missing.removeAll(PARSED.getComponents().getSchemas().keySet());
        assertEquals(Set.of(), missing);
    }

    /** The refs of every {@code @Schema} in these annotations, however deep (@APIResponse, @Content...). */
    private static void refs(Annotation[] annotations, Set<String> refs) {
        for (Annotation annotation : annotations) {
            if (annotation instanceof org.eclipse.microprofile.openapi.annotations.media.Schema schema
                    && !schema.ref().isEmpty()) {
                refs.add(schema.ref());
            }
            if (!annotation.annotationType().getPackageName().startsWith("org.eclipse.microprofile.openapi")) {
                continue;
            }
            for (Method member : annotation.annotationType().getDeclaredMethods()) {
                try {
                    Object value = member.invoke(annotation);
                    if (value instanceof Annotation nested) {
                        refs(new Annotation[] {nested}, refs);
                    } else if (value instanceof Annotation[] nested) {
                        refs(nested, refs);
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Test
    void theServersScannersAreKeptOffEveryRecordTheReaderDescribes() throws IOException {
        var config = new Properties();
        try (InputStream in = ApiSchemas.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            config.load(in);
        }
        var excluded = Set.of(config.getProperty("mp.openapi.scan.exclude.packages").split(","));
        assertEquals(ApiSchemas.class.getName(), config.getProperty("mp.openapi.model.reader"));
        for (Class<?> type : ApiSchemas.schemas().types()) {
            assertTrue(excluded.contains(type.getPackageName()), type + " would also be scanned");
        }
    }

    @Test
    void requestRulesComeFromTheBeanValidationConstraints() {
        assertEquals(List.of("to_email"), schema("EmailRequest").getRequired());
        assertEquals("email", property("EmailRequest", "to_email").getFormat());
        assertEquals(998, property("EmailRequest", "subject").getMaxLength());
        assertEquals(SchemaRules.SINGLE_LINE, property("EmailRequest", "subject").getPattern());
        assertEquals(new BigDecimal(1), property("EmailRequest", "priority").getMinimum());
        assertEquals(new BigDecimal(3), property("EmailRequest", "priority").getMaximum());
        assertEquals(List.of("plain", "html", "multipart"), property("EmailRequest", "format").getEnum());
        assertEquals(50, property("EmailRequest", "headers").getMaxProperties());
        assertEquals(20, property("EmailRequest", "attachments").getMaxItems());
        assertEquals(List.of("content_base64"), schema("Attachment").getRequired());

        var bulk = schema("BulkRequest");
        assertEquals(List.of("recipients"), bulk.getRequired());
        assertFalse(bulk.getProperties().containsKey("to_email"));
        assertFalse(bulk.getProperties().containsKey("attachments"));
        assertTrue(bulk.getProperties().containsKey("template_name"));
        assertEquals(1, property("BulkRequest", "recipients").getMinItems());
        assertEquals(1000, property("BulkRequest", "recipients").getMaxItems());
        assertEquals(List.of("to_email"), schema("BulkRecipient").getRequired());
        assertEquals(List.of("subject"), schema("TemplateUpdate").getRequired());
    }

    @Test
    void enumsAreListedAsTheyAppearOnTheWire() {
        assertEquals(Arrays.stream(EmailState.values()).map(EmailState::wireName).toList(),
                property("EmailDetails", "state").getEnum());
        assertEquals(List.of("SENT", "TRANSIENT_FAILURE", "PERMANENT_FAILURE", "THROTTLED"), property("Attempt", "outcome").getEnum());
        assertEquals(lower(Deliverer.Outcome.values()), property("ProcessBatch", "outcome").getEnum());
        assertEquals(lower(Recipient.Kind.values()), property("EmailDetailsRecipientOutcome", "kind").getEnum());
        assertEquals(lower(Recipient.State.values()), property("EmailDetailsRecipientOutcome", "state").getEnum());
        assertEquals(lower(SmtpCircuitBreaker.State.values()), property("WorkersStatusSmtp", "state").getEnum());
        assertEquals(lower(SmtpCircuitBreaker.Cause.values()), property("WorkersStatusSmtp", "cause").getEnum());
    }

    private static List<String> lower(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
    }

    @Test
    void aResponseRequiresOnlyWhatJsonbAlwaysWrites() {
        assertEquals(List.of("status"), schema("Problem").getRequired());
        assertEquals(Set.of("running", "emails_sent", "emails_failed", "avg_latency_ms", "current_batch"),
                Set.copyOf(schema("WorkersStatusWorkerState").getRequired()));
        assertTrue(property("WorkersStatusWorkerState", "current_batch").getNullable());
        assertTrue(property("RenderedEmail", "text").getNullable());
        assertEquals(null, property("EmailDetails", "max_retries").getNullable());
    }

    @Test
    void whatTheRecordsTurnIntoMatchesTheirSchemas() {
        var email = QueuedEmail.accept("batch_1", 2, AT, QueuedEmail.NO_RETRY_LIMIT,
                EmailMessage.of("ada@example.com", "Hi", "text", null), null)
                .withRetry(new Attempt(AT, Attempt.Outcome.TRANSIENT_FAILURE, 451, "451 4.3.0 later", "4.3.0"), AT)
                .withAttempt(new Attempt(AT, Attempt.Outcome.THROTTLED, 451, "451 4.7.1 slow down", "4.7.1"))
                .withAttempt(new Attempt(AT, Attempt.Outcome.THROTTLED, 421, "421 4.7.0 busy", "4.7.0"))
                .withRecipients(List.of(new Recipient("ada@example.com", Recipient.Kind.TO, Recipient.State.DEFERRED,
                        "451 4.3.0 later", "4.3.0", AT), new Recipient("bob@example.com", Recipient.Kind.CC,
                                Recipient.State.BOUNCED, "550 5.1.1 unknown", "5.1.1", AT),
                        Recipient.pending("eve@example.com", Recipient.Kind.BCC)));
        var details = EmailDetails.of(email, EmailState.RETRYING);
        Map<String, Object> bodies = Map.ofEntries(
                Map.entry("AcceptedEmail", AcceptedEmail.queued("batch_1", AT)),
                Map.entry("AcceptedBatch", AcceptedBatch.queued(List.of("batch_1", "batch_2"), AT)),
                Map.entry("EmailDetails", details),
                Map.entry("DeadLetterPage", new DeadLetterPage(1, 0, 50, List.of(details))),
                Map.entry("QueueStatus", new QueueStatus(1, 1, 1, 1, 0, 0, 0, 0, 0, 50, List.of(new QueueStatus.Batch(
                        "batch_1", "batch_1.json", 1, "pending", 2, AT, 0, AT)))),
                Map.entry("Requeued", Requeued.all(2)),
                Map.entry("WorkersStatus", new WorkersStatus(true, "running", false,
                        new WorkersStatus.Smtp("open", "outage", "421", AT), new WorkersStatus.Pool(1, 0,
                                List.of(new WorkersStatus.WorkerState("worker-1", false, 3, 1, 1.5, null))),
                        List.of(new dev.emailengine.pacing.entity.RateLimitStatus("server", "14/s", 14, 7, 0.5, 35)))),
                Map.entry("DeliveryPause", new DeliveryPause(true, "Paused")),
                Map.entry("ProcessBatch", new BatchRun("m", true, "batch_1", "retry_scheduled")),
                Map.entry("Health", new Health("degraded", AT, new Health.Components("healthy", "healthy",
                        "unhealthy: refused"))),
                Map.entry("ServiceIndex", new ServiceIndex("Email Engine API", "1", "d", Map.of("send", "POST /email"),
                        "/docs")),
                Map.entry("TemplateList", new TemplateList(List.of("welcome"), 1, Map.of("welcome",
                        new TemplateSummary(null, List.of("welcome.txt"), List.of("name"), null)))),
                Map.entry("TemplateSource", new TemplateView("welcome", null, "Hi", null, null, List.of())),
                Map.entry("RenderedEmail", new RenderedEmail("s", "t", null)),
                Map.entry("Suppression", new Suppression("ada@example.com", null, Suppression.OPERATOR, null, AT, null)),
                Map.entry("SuppressionPage", SuppressionPage.of(List.of(new Suppression("ada@example.com",
                        "550 5.1.1 user unknown", Suppression.BOUNCE, "batch_1", AT, null)), "YWRh")),
                Map.entry("Problem", new Problem("about:blank", "Invalid request", 400, null,
                        List.of(new FieldError("to_email", "is required")))));
        bodies.forEach((component, body) -> {
            String json = JSONB.toJson(body);
            assertEquals(List.of(), SCHEMAS.problems(component, json), component + ": " + json);
        });
    }

    @Test
    void requestsTheServerAcceptsMatchAndOnesItRefusesDoNot() {
        assertEquals(List.of(), SCHEMAS.problems("EmailRequest", """
                {"to_email": "user@example.com", "subject": "Hi\\tthere", "body": "b", "format": "html", "priority": 1,
                 "template_vars": {"name": "Ada", "n": 2, "vip": true}, "cc": "a@example.com",
                 "bcc": ["b@example.com"], "headers": {"X-Campaign": "november"},
                 "attachments": [{"filename": "a.pdf", "content_base64": "JVBERi0xLjQK"}],
                 "send_at": "2030-01-31T09:00:00Z", "unknown": "ignored"}"""));
        assertEquals(List.of(), SCHEMAS.problems("BulkRequest",
                "{\"subject\": \"s\", \"body\": \"b\", \"recipients\": [{\"to_email\": \"a@example.com\"}]}"));
        for (String refused : List.of("{}", "{\"to_email\": \"a@example.com\", \"priority\": 9}",
                "{\"to_email\": \"a@example.com\", \"subject\": \"a\\nBcc: x@example.com\"}",
                "{\"to_email\": \"a@example.com\", \"cc\": [" + "\"c@example.com\",".repeat(50) + "\"c@example.com\"]}")) {
            assertFalse(SCHEMAS.problems("EmailRequest", refused).isEmpty(), refused);
        }
        assertFalse(SCHEMAS.problems("BulkRequest", "{\"recipients\": []}").isEmpty());
        assertEquals(List.of(), SCHEMAS.problems("SuppressionRequest", "{\"address\": \"ada@example.com\"}"));
        assertFalse(SCHEMAS.problems("SuppressionRequest", "{\"reason\": \"complaint\"}").isEmpty());
        assertFalse(SCHEMAS.problems("SuppressionRequest",
                "{\"address\": \"a@example.com\", \"reason\": \"" + "r".repeat(1001) + "\"}").isEmpty());
    }
}
