package dev.emailengine.emails.boundary;

import dev.emailengine.emails.control.EmailIntake;
import dev.emailengine.emails.control.IdempotencyKeys;
import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.EmailDetails;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * {@code POST /email}: validate, store durably, answer; delivery happens later, on a worker.
 * {@code GET /email/{id}}: where it is now. {@code DELETE /email/{id}}: withdraw it while no
 * worker has it.
 */
@Path("email")
@RequestScoped
public class EmailsResource {

    @Inject
    EmailIntake intake;

    @Inject
    MailQueue queue;

    /** The body is read as bytes, not bound by the framework, so every malformed input gets our 4xx. */
    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Produces(MediaType.APPLICATION_JSON)
    public Response send(@HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey, InputStream body) {
        return Response.ok(intake.accept(body, idempotencyKey), MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public EmailDetails find(@PathParam("id") String id) {
        return queue.find(id).orElseThrow(() -> new NotFoundException("no email " + id));
    }

    @DELETE
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public EmailDetails cancel(@PathParam("id") String id) {
        return switch (queue.cancel(id)) {
            case CANCELLED -> queue.find(id).orElseThrow(() -> new NotFoundException("no email " + id));
            case NOT_FOUND -> throw new NotFoundException("no email " + id);
            case TOO_LATE -> throw new ClientErrorException("email " + id + " is already being sent or was sent",
                    Response.Status.CONFLICT);
        };
    }
}
