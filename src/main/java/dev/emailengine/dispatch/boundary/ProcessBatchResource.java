package dev.emailengine.dispatch.boundary;

import dev.emailengine.dispatch.control.Dispatcher;
import dev.emailengine.dispatch.entity.BatchRun;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
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

/** {@code POST /process-batch}: deliver the next due email now, on this request's thread. */
@Path("process-batch")
@RequestScoped
@Tag(ref = "Workers")
public class ProcessBatchResource {

    @Inject
    Dispatcher dispatcher;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "processBatch", summary = "Deliver the next due email now, on this request", description = "As the original's manual trigger; workers keep running.")
    @APIResponse(responseCode = "200", description = "What happened", content = @Content(mediaType = "application/json", schema = @Schema(ref = "ProcessBatch")))
    public BatchRun processNext() {
        return dispatcher.processNext()
                .map(run -> new BatchRun(switch (run.outcome()) {
                    case SENT -> "Email sent";
                    case RETRY_SCHEDULED -> "Sending failed; a retry is scheduled";
                    case DEAD_LETTERED -> "Sending failed permanently; moved to the dead letters";
                    case DEFERRED_BY_OUTAGE -> "SMTP server unavailable; the email stays queued";
                    case DEFERRED_BY_THROTTLING -> "SMTP server is throttling; the email stays queued";
                    case THROTTLED -> "SMTP server slowed this email down; it is tried again shortly, no retry spent";
                }, true, run.id(), run.outcome().name().toLowerCase(Locale.ROOT)))
                .orElseGet(() -> new BatchRun("No email is due; the queue is empty or waiting for retries", false, null,
                        null));
    }
}
