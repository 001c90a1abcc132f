package dev.emailengine.emails.boundary;

import dev.emailengine.emails.control.EmailIntake;
import dev.emailengine.emails.control.IdempotencyKeys;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/** {@code POST /emails}: one message for up to 1,000 recipients, queued all or nothing. */
@Path("emails")
@RequestScoped
public class BulkEmailsResource {

    @Inject
    EmailIntake intake;

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Produces(MediaType.APPLICATION_JSON)
    public Response send(@HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey, InputStream body) {
        return Response.ok(intake.acceptBulk(body, idempotencyKey), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
