package dev.emailengine.suppressions.boundary;

import dev.emailengine.platform.JsonRequests;
import dev.emailengine.platform.RequestBodyReader;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.suppressions.control.Addresses;
import dev.emailengine.suppressions.control.SuppressionList;
import dev.emailengine.suppressions.control.SuppressionQuery;
import dev.emailengine.suppressions.control.SuppressionStore;
import dev.emailengine.suppressions.entity.ListIds;
import dev.emailengine.suppressions.entity.SuppressionPage;
import dev.emailengine.suppressions.entity.SuppressionRequest;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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
 * The suppression list: page through and search it, add an address, remove one. An entry stops
 * all mail to its address, or with a {@code list_id} only the mail of that list.
 */
@Path("suppressions")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(ref = "Suppressions")
public class SuppressionsResource {

    /** One address and a reason; anything bigger is not a suppression request. */
    static final long MAX_BODY = 16 * 1024;

    @Inject
    SuppressionList list;

    @Inject
    Validator validator;

    private final RequestBodyReader reader = new RequestBodyReader(MAX_BODY);
    private JsonRequests requests;

    @PostConstruct
    void init() {
        requests = new JsonRequests(validator);
    }

    @GET
    @Operation(operationId = "listSuppressions", summary = "Suppressed addresses, a page at a time", description = "In address order on PostgreSQL, in an arbitrary but stable order on the file store. A page may hold fewer entries than the limit and still have a next_cursor.")
    @APIResponse(responseCode = "200", description = "One page", content = @Content(mediaType = "application/json", schema = @Schema(ref = "SuppressionPage")))
    @APIResponse(responseCode = "400", description = "Invalid parameters, naming each", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "503", description = "The list cannot be read now", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public SuppressionPage list(
            @Parameter(description = "Only addresses containing this text, ignoring case (% and _ are plain characters)") @QueryParam("search") String search,
            @Parameter(description = "Only entries scoped to this list (absent: entries of every scope, null list_id for all mail)") @QueryParam("list_id") String listId,
            @Parameter(description = "1 to 1000 (default 100)") @QueryParam("limit") String limit,
            @Parameter(description = "The next_cursor of the previous page") @QueryParam("cursor") String cursor) {
        return list.page(SuppressionQuery.of(search, listId, cursor, limit));
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Operation(operationId = "addSuppression", summary = "Never mail an address again", description = "Idempotent: an address already on the list for that scope (all mail, or the list_id given) keeps its first entry, answered with 200.")
    @RequestBody(required = true, description = "The address and why", content = @Content(mediaType = "application/json", schema = @Schema(ref = "SuppressionRequest")))
    @APIResponse(responseCode = "201", description = "Added", content = @Content(mediaType = "application/json", schema = @Schema(ref = "Suppression")))
    @APIResponse(responseCode = "200", description = "Already on the list: its entry", content = @Content(mediaType = "application/json", schema = @Schema(ref = "Suppression")))
    @APIResponse(responseCode = "400", description = "Invalid input, naming each field", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "413", description = "Request over 16 KiB", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "422", description = "Not an email address", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public Response add(InputStream body) {
        SuppressionRequest request = requests.bind(reader.readObject(body), SuppressionRequest.class);
        SuppressionStore.Added added = list.add(Addresses.normalise(request.address(), "address"), request.reason(),
                request.listId());
        return Response.status(added.created() ? Response.Status.CREATED : Response.Status.OK).entity(added.entry())
                .build();
    }

    @DELETE
    @Path("{address}")
    @Operation(operationId = "removeSuppression", summary = "Mail an address again", description = "Removes the entry for all mail, or with list_id the entry scoped to that list (an unsubscription); the other entries of the address stay.")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "400", description = "Not a list_id", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "404", description = "Not on the list for that scope", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "422", description = "Not an email address", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public Response remove(@PathParam("address") String address,
            @Parameter(description = "The list whose entry to remove; absent: the entry for all mail") @QueryParam("list_id") String listId) {
        String scope = listId == null || listId.isEmpty() ? null : listId;
        if (scope != null && !ListIds.isValid(scope)) {
            throw InvalidInputException.badRequest("list_id", ListIds.RULE);
        }
        String normalised = Addresses.normalise(address, "address");
        if (!list.remove(normalised, scope)) {
            throw new NotFoundException(normalised + " is not on the suppression list"
                    + (scope == null ? "" : " for list " + scope));
        }
        return Response.noContent().build();
    }
}
