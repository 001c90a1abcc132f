package dev.emailengine.dispatch.boundary;

import dev.emailengine.dispatch.control.Dispatcher;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code POST /process-batch}: deliver the next due email now, on this request's thread. */
@Path("process-batch")
@RequestScoped
public class ProcessBatchResource {

    @Inject
    Dispatcher dispatcher;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject processNext() {
        return dispatcher.processNext()
                .map(run -> Json.createObjectBuilder()
                        .add("message", switch (run.outcome()) {
                            case SENT -> "Email sent";
                            case RETRY_SCHEDULED -> "Sending failed; a retry is scheduled";
                            case DEAD_LETTERED -> "Sending failed permanently; moved to the dead letters";
                            case DEFERRED_BY_OUTAGE -> "SMTP server unavailable; the email stays queued";
                        })
                        .add("processed", true)
                        .add("request_id", run.id())
                        .add("outcome", run.outcome().name().toLowerCase(java.util.Locale.ROOT))
                        .build())
                .orElseGet(() -> Json.createObjectBuilder()
                        .add("message", "No email is due; the queue is empty or waiting for retries")
                        .add("processed", false).build());
    }
}
