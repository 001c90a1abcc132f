package dev.emailengine.dispatch.boundary;

import dev.emailengine.dispatch.control.Dispatcher;
import dev.emailengine.dispatch.control.SmtpCircuitBreaker;
import dev.emailengine.dispatch.control.Worker;
import dev.emailengine.dispatch.entity.DeliveryPause;
import dev.emailengine.dispatch.entity.WorkersStatus;
import dev.emailengine.pacing.control.RateLimits;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
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

    @Inject
    RateLimits rateLimits;

    @GET
    @Path("status")
    @Operation(operationId = "workersStatus", summary = "Per-worker state and counters")
    @APIResponse(responseCode = "200", description = "Workers and the SMTP circuit", content = @Content(mediaType = "application/json", schema = @Schema(ref = "WorkersStatus")))
    public WorkersStatus status() {
        var workers = new ArrayList<WorkersStatus.WorkerState>();
        for (Worker w : dispatcher.workers()) {
            workers.add(new WorkersStatus.WorkerState(w.id(), w.running(), w.sent(), w.failed(),
                    Math.round(w.averageLatencyMillis() * 100) / 100.0, w.currentEmail()));
        }
        int active = (int) workers.stream().filter(WorkersStatus.WorkerState::running).count();
        // One snapshot: read field by field, the breaker could close in between.
        SmtpCircuitBreaker.Snapshot breaker = dispatcher.breaker().snapshot();
        var smtp = new WorkersStatus.Smtp(lower(breaker.state()), breaker.cause() == null ? null : lower(breaker.cause()),
                breaker.lastError(), breaker.nextProbeAt());
        return new WorkersStatus(dispatcher.autoProcessingEnabled(),
                dispatcher.autoProcessingEnabled() ? "running" : "disabled", dispatcher.paused(), smtp,
                new WorkersStatus.Pool(workers.size(), active, workers), rateLimits.status());
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    @POST
    @Path("pause")
    @Operation(operationId = "pauseWorkers", summary = "Pause delivery; intake continues")
    @APIResponse(responseCode = "200", description = "Paused", content = @Content(mediaType = "application/json", schema = @Schema(ref = "DeliveryPause")))
    public DeliveryPause pause() {
        dispatcher.pause();
        return new DeliveryPause(true, "Delivery paused; intake continues");
    }

    @POST
    @Path("resume")
    @Operation(operationId = "resumeWorkers", summary = "Resume delivery")
    @APIResponse(responseCode = "200", description = "Resumed", content = @Content(mediaType = "application/json", schema = @Schema(ref = "DeliveryPause")))
    public DeliveryPause resume() {
        dispatcher.resume();
        return new DeliveryPause(false, "Delivery resumed");
    }
}
