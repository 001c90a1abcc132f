package dev.emailengine.emails.boundary;

import dev.emailengine.access.control.AccessPolicy;
import dev.emailengine.emails.control.EmailIntake;
import dev.emailengine.emails.control.IdempotencyKeys;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
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

/** {@code POST /emails}: one message for up to 1,000 recipients, queued all or nothing. */
@Path("emails")
@RequestScoped
@Tag(ref = "Emails")
public class BulkEmailsResource {

    @Inject
    EmailIntake intake;

    @Inject
    AccessPolicy access;

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "sendBulk", summary = "Accept one message for up to 1,000 recipients", description = "Validated all or nothing; one request id per queued recipient, in order. Recipients on the suppression list (for all mail, or for the bulk's list_id, default \"default\") are skipped and listed in suppressed; a suppressed cc or bcc refuses the request (422). With PUBLIC_BASE_URL each email carries its recipient's List-Unsubscribe link, also {{unsubscribe_url}} in templates, and cc or bcc is refused (422): a copy's reader could unsubscribe the recipient.")
    @RequestBody(required = true, description = "The shared message and the recipients", content = @Content(mediaType = "application/json", schema = @Schema(ref = "BulkRequest")))
    @APIResponse(responseCode = "200", description = "Queued, but for the suppressed recipients (count 0 when every one was)", content = @Content(mediaType = "application/json", schema = @Schema(ref = "AcceptedBatch")))
    @APIResponse(responseCode = "400", description = "Invalid input, naming each field", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "413", description = "Request, body or attachments over their limit", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "422", description = "A shared cc or bcc is on the suppression list, or given at all with PUBLIC_BASE_URL set; or the Idempotency-Key was used for a different request", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public Response send(
            @Parameter(description = "Any unique string (at most 255 printable ASCII); repeats within IDEMPOTENCY_TTL are answered once")
            @HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey, @Context HttpHeaders headers,
            InputStream body) {
        return Response.ok(intake.acceptBulk(body, idempotencyKey, access.callerOf(headers::getHeaderString)),
                MediaType.APPLICATION_JSON_TYPE).build();
    }
}
