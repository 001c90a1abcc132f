package dev.emailengine.queue.boundary;

import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.DeadLetterPage;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The dead letters: list them, and send one or all back to the queue with a fresh retry budget. */
@Path("dead-letter")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class DeadLettersResource {

    @Inject
    MailQueue queue;

    @GET
    public DeadLetterPage list(@QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        Paging.check(offset, limit);
        return queue.deadLetters(offset, limit);
    }

    @POST
    @Path("{id}/retry")
    public JsonObject retry(@PathParam("id") String id) {
        if (!queue.requeueDeadLetter(id)) {
            throw new NotFoundException("no dead letter " + id);
        }
        return Json.createObjectBuilder().add("request_id", id).add("status", "queued")
                .add("message", "Dead letter requeued with a fresh retry budget").build();
    }

    @POST
    @Path("retry-all")
    public JsonObject retryAll() {
        int requeued = queue.requeueAllDeadLetters();
        return Json.createObjectBuilder().add("requeued", requeued)
                .add("message", requeued + " dead letter(s) requeued").build();
    }
}
