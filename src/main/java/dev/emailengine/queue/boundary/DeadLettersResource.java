package dev.emailengine.queue.boundary;

import dev.emailengine.platform.JsonRequests;
import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.PageRequest;
import dev.emailengine.queue.entity.Requeued;
import dev.emailengine.queue.entity.DeadLetterPage;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Validator;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The dead letters: list them, and send one or all back to the queue with a fresh retry budget. */
@Path("dead-letter")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(ref = "Queue")
public class DeadLettersResource {

    @Inject
    MailQueue queue;

    @Inject
    Validator validator;

    @GET
    @Operation(operationId = "listDeadLetters", summary = "Dead letters, newest first")
    @APIResponse(responseCode = "200", description = "One page", content = @Content(mediaType = "application/json", schema = @Schema(ref = "DeadLetterPage")))
    @APIResponse(responseCode = "400", description = "Invalid input, naming each field", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public DeadLetterPage list(@QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        JsonRequests.validate(validator, new PageRequest(offset, limit));
        return queue.deadLetters(offset, limit);
    }

    @POST
    @Path("{id}/retry")
    @Operation(operationId = "retryDeadLetter", summary = "Send one dead letter back to the queue with a fresh retry budget")
    @APIResponse(responseCode = "200", description = "Requeued", content = @Content(mediaType = "application/json", schema = @Schema(ref = "Requeued")))
    @APIResponse(responseCode = "404", description = "No such dead letter", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public Requeued retry(@PathParam("id") String id) {
        if (!queue.requeueDeadLetter(id)) {
            throw new NotFoundException("no dead letter " + id);
        }
        return Requeued.one(id);
    }

    @POST
    @Path("retry-all")
    @Operation(operationId = "retryAllDeadLetters", summary = "Send every dead letter back to the queue")
    @APIResponse(responseCode = "200", description = "How many were requeued", content = @Content(mediaType = "application/json", schema = @Schema(ref = "Requeued")))
    public Requeued retryAll() {
        return Requeued.all(queue.requeueAllDeadLetters());
    }
}
