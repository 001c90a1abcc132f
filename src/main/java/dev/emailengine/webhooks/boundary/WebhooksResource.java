package dev.emailengine.webhooks.boundary;

import dev.emailengine.platform.JsonRequests;
import dev.emailengine.platform.RequestBodyReader;
import dev.emailengine.webhooks.control.Webhooks;
import dev.emailengine.webhooks.entity.CreatedEndpoint;
import dev.emailengine.webhooks.entity.DeliveryList;
import dev.emailengine.webhooks.entity.EndpointList;
import dev.emailengine.webhooks.entity.EndpointView;
import dev.emailengine.webhooks.entity.WebhookRequest;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Webhook endpoints: register one (its secret is shown once), list, delete, rotate the secret,
 * see recent delivery attempts and replay one event. See docs/webhooks.md.
 */
@Path("webhooks")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(ref = "Webhooks")
public class WebhooksResource {

    static final long MAX_BODY = 16 * 1024;
    static final int MAX_ATTEMPTS_LISTED = 100;

    @Inject
    Webhooks webhooks;

    @Inject
    Validator validator;

    private final RequestBodyReader reader = new RequestBodyReader(MAX_BODY);
    private JsonRequests requests;

    @PostConstruct
    void init() {
        requests = new JsonRequests(validator);
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Operation(operationId = "createWebhook", summary = "Register a webhook endpoint", description = "Events are signed per Standard Webhooks with the secret in the answer, shown this once. An empty or absent events list subscribes to every event type.")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(ref = "WebhookRequest")))
    @APIResponse(responseCode = "201", description = "Registered", content = @Content(mediaType = "application/json", schema = @Schema(ref = "WebhookSecret")))
    @APIResponse(responseCode = "400", description = "Malformed JSON, a missing url, not an http(s) URL", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "422", description = "An unknown event type, a host resolving to a private address, too many endpoints", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public Response create(InputStream body) {
        WebhookRequest request = requests.bind(reader.readObject(body), WebhookRequest.class);
        CreatedEndpoint created = webhooks.register(request);
        return Response.status(Response.Status.CREATED).entity(created).build();
    }

    @GET
    @Operation(operationId = "listWebhooks", summary = "The registered endpoints, without their secrets")
    @APIResponse(responseCode = "200", description = "Every endpoint", content = @Content(mediaType = "application/json", schema = @Schema(ref = "WebhookEndpointList")))
    public EndpointList list() {
        List<EndpointView> views = webhooks.store().endpoints().stream().map(EndpointView::of).toList();
        return new EndpointList(views, views.size());
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "deleteWebhook", summary = "Delete an endpoint and what it is still owed")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such endpoint", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public Response delete(@PathParam("id") String id) {
        if (!webhooks.remove(id)) {
            throw notFound(id);
        }
        return Response.noContent().build();
    }

    @POST
    @Path("{id}/rotate-secret")
    @Operation(operationId = "rotateWebhookSecret", summary = "A new signing secret", description = "For 24 hours both the old and the new secret sign each delivery (two v1 signatures in webhook-signature); then the new one alone.")
    @APIResponse(responseCode = "200", description = "The new secret, shown this once", content = @Content(mediaType = "application/json", schema = @Schema(ref = "WebhookSecret")))
    @APIResponse(responseCode = "404", description = "No such endpoint", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public CreatedEndpoint rotate(@PathParam("id") String id) {
        return webhooks.rotate(id).orElseThrow(() -> notFound(id));
    }

    @GET
    @Path("{id}/deliveries")
    @Operation(operationId = "listWebhookDeliveries", summary = "The endpoint's recent delivery attempts, newest first")
    @APIResponse(responseCode = "200", description = "Up to 100 attempts", content = @Content(mediaType = "application/json", schema = @Schema(ref = "WebhookDeliveries")))
    @APIResponse(responseCode = "404", description = "No such endpoint", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public DeliveryList deliveries(@PathParam("id") String id) {
        if (webhooks.store().endpoint(id).isEmpty()) {
            throw notFound(id);
        }
        return new DeliveryList(id, webhooks.store().attempts(id, MAX_ATTEMPTS_LISTED));
    }

    @POST
    @Path("{id}/deliveries/{event}/retry")
    @Operation(operationId = "retryWebhookDelivery", summary = "Send one event to the endpoint again", description = "Delivered, given up or still retrying: it is due now, with the same webhook-id and payload.")
    @APIResponse(responseCode = "202", description = "Due now")
    @APIResponse(responseCode = "404", description = "No such endpoint, or no such event for it (finished ones are kept WEBHOOK_RETENTION)", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public Response retry(@PathParam("id") String id, @PathParam("event") String event) {
        if (webhooks.store().endpoint(id).isEmpty()) {
            throw notFound(id);
        }
        if (!webhooks.replay(id, event)) {
            throw new NotFoundException("webhook endpoint " + id + " has no event " + event);
        }
        return Response.accepted().build();
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("no webhook endpoint " + id);
    }
}
