package dev.emailengine.queue.boundary;

import dev.emailengine.platform.JsonRequests;
import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.PageRequest;
import dev.emailengine.queue.entity.QueueStatus;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Validator;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /status}: queue statistics and one page of per-file metadata, from memory. */
@Path("status")
@RequestScoped
@Tag(ref = "Queue")
public class StatusResource {

    @Inject
    MailQueue queue;

    @Inject
    Validator validator;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "queueStatus", summary = "Queue statistics and one page of queued emails")
    @APIResponse(responseCode = "200", description = "Counts by state and the page", content = @Content(mediaType = "application/json", schema = @Schema(ref = "QueueStatus")))
    @APIResponse(responseCode = "400", description = "Invalid input, naming each field", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public QueueStatus status(@QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        JsonRequests.validate(validator, new PageRequest(offset, limit));
        return queue.status(offset, limit);
    }
}
