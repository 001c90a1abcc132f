package dev.emailengine.emails.boundary;

import dev.emailengine.access.control.AccessPolicy;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /email}: validate, store durably, answer; delivery happens later, on a worker.
 * {@code GET /email/{id}}: where it is now. {@code DELETE /email/{id}}: withdraw it while no
 * worker has it.
 */
@Path("email")
@RequestScoped
@Tag(ref = "Emails")
public class EmailsResource {

    @Inject
    EmailIntake intake;

    @Inject
    AccessPolicy access;

    @Inject
    MailQueue queue;

    /** The body is read as bytes, not bound by the framework, so every malformed input gets our 4xx. */
    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "sendEmail", summary = "Accept one email", description = "Durable on disk before the 200. A recipient on the suppression list (for all mail, or for the email's list_id) refuses the email (422, nothing queued). With a list_id and PUBLIC_BASE_URL the email carries the recipient's List-Unsubscribe link, and cc or bcc is refused (422): a copy's reader could unsubscribe the to address; send each copy as its own email. With an Idempotency-Key, a repeat with the same body within IDEMPOTENCY_TTL returns the first answer and queues nothing.")
    @RequestBody(required = true, description = "The email: a plain body, or template_name and template_vars", content = @Content(mediaType = "application/json", schema = @Schema(ref = "EmailRequest")))
    @APIResponse(responseCode = "200", description = "Queued", content = @Content(mediaType = "application/json", schema = @Schema(ref = "AcceptedEmail")))
    @APIResponse(responseCode = "400", description = "Invalid input, naming each field", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "413", description = "Request, body or attachments over their limit", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "409", description = "The same Idempotency-Key is still being processed", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "422", description = "A recipient (to_email, cc[i], bcc[i]) is on the suppression list, each named with the reason; or cc[i]/bcc[i] on list mail with PUBLIC_BASE_URL set; or the Idempotency-Key was used for a different request", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public Response send(
            @Parameter(description = "Any unique string (at most 255 printable ASCII); repeats within IDEMPOTENCY_TTL are answered once")
            @HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey, @Context HttpHeaders headers,
            InputStream body) {
        return Response.ok(intake.accept(body, idempotencyKey, access.callerOf(headers::getHeaderString)),
                MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getEmail", summary = "Where one email is now")
    @APIResponse(responseCode = "200", description = "The email and its attempts", content = @Content(mediaType = "application/json", schema = @Schema(ref = "EmailDetails")))
    @APIResponse(responseCode = "404", description = "No such email", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public EmailDetails find(@PathParam("id") String id) {
        return queue.find(id).orElseThrow(() -> new NotFoundException("no email " + id));
    }

    @DELETE
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "cancelEmail", summary = "Cancel an email no worker has claimed", description = "A scheduled or queued email is withdrawn and never sent.")
    @APIResponse(responseCode = "200", description = "Cancelled", content = @Content(mediaType = "application/json", schema = @Schema(ref = "EmailDetails")))
    @APIResponse(responseCode = "404", description = "No such email", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "409", description = "Already being sent, sent, or dead-lettered", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public EmailDetails cancel(@PathParam("id") String id) {
        return switch (queue.cancel(id)) {
            // DELETE is idempotent: cancelling a cancelled email answers as the first time did.
            case CANCELLED, ALREADY_CANCELLED -> queue.find(id).orElseThrow(() -> new NotFoundException("no email " + id));
            case NOT_FOUND -> throw new NotFoundException("no email " + id);
            case TOO_LATE -> throw new ClientErrorException("email " + id + " is already being sent or was sent",
                    Response.Status.CONFLICT);
        };
    }
}
