package dev.emailengine.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emailengine.dispatch.entity.BatchRun;
import dev.emailengine.dispatch.entity.WorkersStatus;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.problems.entity.Problem;
import dev.emailengine.templates.entity.RenderedEmail;
import dev.emailengine.templates.entity.TemplateSummary;
import dev.emailengine.templates.entity.TemplateView;
import jakarta.json.bind.Jsonb;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Response records written as the JSON-P builders wrote them: snake_case, and nulls where clients read them. */
class ResponseJsonTest {

    private final Jsonb jsonb = JsonConfiguration.snakeCase();

    @Test
    void anIdleWorkerHasANullCurrentBatchAndAClosedCircuitNoCause() {
        var status = new WorkersStatus(true, "running", false, new WorkersStatus.Smtp("closed", null, null, null),
                new WorkersStatus.Pool(1, 1, List.of(new WorkersStatus.WorkerState("worker-1", true, 3, 0, 1.5, null))), null);

        assertEquals("{\"auto_processing_enabled\":true,\"paused\":false,\"smtp\":{\"state\":\"closed\"},"
                + "\"status\":{\"active_workers\":1,\"total_workers\":1,\"workers\":[{\"avg_latency_ms\":1.5,"
                + "\"current_batch\":null,\"emails_failed\":0,\"emails_sent\":3,\"running\":true,"
                + "\"worker_id\":\"worker-1\"}]},\"worker_pool_status\":\"running\"}", jsonb.toJson(status));
    }

    @Test
    void instantsAreIsoStringsAndAbsentOptionalFieldsAreLeftOut() {
        assertEquals("{\"last_error\":\"421 busy\",\"next_probe_at\":\"2030-01-31T09:00:00Z\",\"state\":\"open\"}",
                jsonb.toJson(new WorkersStatus.Smtp("open", null, "421 busy", Instant.parse("2030-01-31T09:00:00Z"))));
        assertEquals("{\"message\":\"m\",\"processed\":false}", jsonb.toJson(new BatchRun("m", false, null, null)));
        assertEquals("{\"status\":400,\"title\":\"t\",\"type\":\"about:blank\"}",
                jsonb.toJson(new Problem("about:blank", "t", 400, null, null)));
        assertEquals("{\"errors\":[{\"field\":\"to_email\",\"message\":\"m\"}],\"status\":400,\"title\":\"t\","
                + "\"type\":\"about:blank\"}", jsonb.toJson(new Problem("about:blank", "t", 400, null,
                        List.of(new FieldError("to_email", "m")))));
    }

    @Test
    void templateSourcesAndRenderingsShowAbsentPartsAsNull() {
        assertEquals("{\"description\":null,\"html\":null,\"name\":\"w\",\"placeholders\":[\"name\"],\"subject\":\"s\","
                + "\"text\":\"t\"}", jsonb.toJson(new TemplateView("w", "s", "t", null, null, List.of("name"))));
        assertEquals("{\"html\":null,\"subject\":\"s\",\"text\":\"t\"}", jsonb.toJson(new RenderedEmail("s", "t", null)));
        assertEquals("{\"description\":null,\"files\":[\"w.txt\"],\"placeholders\":[]}",
                jsonb.toJson(new TemplateSummary(null, List.of("w.txt"), List.of(), null)));
    }
}
