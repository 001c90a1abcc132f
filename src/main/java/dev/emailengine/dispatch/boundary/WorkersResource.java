package dev.emailengine.dispatch.boundary;

import static dev.emailengine.platform.JsonConfiguration.JSON;

import dev.emailengine.dispatch.control.Dispatcher;
import dev.emailengine.dispatch.control.SmtpCircuitBreaker;
import dev.emailengine.dispatch.control.Worker;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The worker pool: its state in the original's shape, and pause/resume for maintenance windows. */
@Path("workers")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(ref = "Workers")
public class WorkersResource {

    @Inject
    Dispatcher dispatcher;

    @GET
    @Path("status")
    @Operation(operationId = "workersStatus", summary = "Per-worker state and counters")
    @APIResponse(responseCode = "200", description = "Workers and the SMTP circuit", content = @Content(mediaType = "application/json", schema = @Schema(ref = "WorkersStatus")))
    public JsonObject status() {
        var workers = JSON.createArrayBuilder();
        int active = 0;
        for (Worker w : dispatcher.workers()) {
            active += w.running() ? 1 : 0;
            JsonObjectBuilder entry = JSON.createObjectBuilder()
                    .add("worker_id", w.id())
                    .add("running", w.running())
                    .add("emails_sent", w.sent())
                    .add("emails_failed", w.failed())
                    .add("avg_latency_ms", Math.round(w.averageLatencyMillis() * 100) / 100.0);
            String current = w.currentEmail();
            if (current == null) {
                entry.addNull("current_batch");
            } else {
                entry.add("current_batch", current);
            }
            workers.add(entry);
        }
        // One snapshot: read field by field, the breaker could close in between.
        SmtpCircuitBreaker.Snapshot breaker = dispatcher.breaker().snapshot();
        JsonObjectBuilder smtp = JSON.createObjectBuilder().add("state", lower(breaker.state()));
        if (breaker.cause() != null) {
            smtp.add("cause", lower(breaker.cause()));
        }
        if (breaker.lastError() != null) {
            smtp.add("last_error", breaker.lastError());
        }
        if (breaker.nextProbeAt() != null) {
            smtp.add("next_probe_at", breaker.nextProbeAt().toString());
        }
        return JSON.createObjectBuilder()
                .add("auto_processing_enabled", dispatcher.autoProcessingEnabled())
                .add("worker_pool_status", dispatcher.autoProcessingEnabled() ? "running" : "disabled")
                .add("paused", dispatcher.paused())
                .add("smtp", smtp)
                .add("status", JSON.createObjectBuilder()
                        .add("total_workers", dispatcher.workers().size())
                        .add("active_workers", active)
                        .add("workers", workers))
                .build();
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    @POST
    @Path("pause")
    @Operation(operationId = "pauseWorkers", summary = "Pause delivery; intake continues")
    @APIResponse(responseCode = "200", description = "Paused", content = @Content(mediaType = "application/json", schema = @Schema(ref = "Message")))
    public JsonObject pause() {
        dispatcher.pause();
        return JSON.createObjectBuilder().add("paused", true).add("message", "Delivery paused; intake continues").build();
    }

    @POST
    @Path("resume")
    @Operation(operationId = "resumeWorkers", summary = "Resume delivery")
    @APIResponse(responseCode = "200", description = "Resumed", content = @Content(mediaType = "application/json", schema = @Schema(ref = "Message")))
    public JsonObject resume() {
        dispatcher.resume();
        return JSON.createObjectBuilder().add("paused", false).add("message", "Delivery resumed").build();
    }
}
