package dev.emailengine.unsubscribe.boundary;

import dev.emailengine.platform.RequestBodyReader;
import dev.emailengine.suppressions.control.SuppressionList;
import dev.emailengine.unsubscribe.control.OneClickForm;
import dev.emailengine.unsubscribe.control.UnsubscribeConfiguration;
import dev.emailengine.unsubscribe.control.UnsubscribePages;
import dev.emailengine.unsubscribe.entity.Unsubscription;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The links in List-Unsubscribe headers (RFC 8058): public, as mailbox providers and recipients
 * follow them without an API key; the signed token is the only credential. A POST records the
 * unsubscription (no cookie, no CSRF token, no redirect: a provider's one-click POST must simply
 * work); a GET only asks, since link scanners fetch every link in a message. No {@code @Produces}:
 * whatever a provider's Accept header says, the unsubscription is made (and answered in HTML).
 */
@Path("unsubscribe/{token}")
@RequestScoped
@Tag(ref = "Unsubscribe")
public class UnsubscribeResource {

    /** The one-click form is 26 bytes; a few fields more are tolerated, nothing bigger is read. */
    static final long MAX_BODY = 4 * 1024;

    @Inject
    UnsubscribeConfiguration configuration;

    @Inject
    SuppressionList suppressions;

    private final RequestBodyReader reader = new RequestBodyReader(MAX_BODY);

    @GET
    @Operation(operationId = "confirmUnsubscribe", summary = "A page asking to confirm the unsubscription", description = "Public (no API key). Changes nothing: its button posts the one-click form to the same URL.")
    @APIResponse(responseCode = "200", description = "The confirmation page", content = @Content(mediaType = "text/html"))
    @APIResponse(responseCode = "404", description = "Not a link this service made", content = @Content(mediaType = "text/html"))
    public Response confirm(@PathParam("token") String token) {
        Optional<Unsubscription> unsubscription = configuration.verify(token);
        return unsubscription.isEmpty() ? page(404, UnsubscribePages.invalidLink())
                : page(200, UnsubscribePages.confirm(unsubscription.get().address(), unsubscription.get().listId()));
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "unsubscribe", summary = "One-click unsubscribe (RFC 8058)", description = "Public (no API key, no cookie). The body List-Unsubscribe=One-Click (application/x-www-form-urlencoded or multipart/form-data), or none, suppresses the link's address for the link's list only. Idempotent.")
    @APIResponse(responseCode = "200", description = "Unsubscribed (now or before)", content = @Content(mediaType = "text/html"))
    @APIResponse(responseCode = "400", description = "The body does not ask to unsubscribe; nothing changed", content = @Content(mediaType = "text/html"))
    @APIResponse(responseCode = "404", description = "Not a link this service made; nothing changed", content = @Content(mediaType = "text/html"))
    @APIResponse(responseCode = "413", description = "Body over 4 KiB", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "503", description = "The suppression list cannot be changed now; nothing changed", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public Response unsubscribe(@PathParam("token") String token,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, InputStream body) {
        Optional<Unsubscription> unsubscription = configuration.verify(token);
        if (unsubscription.isEmpty()) {
            return page(404, UnsubscribePages.invalidLink());
        }
        if (!OneClickForm.asksToUnsubscribe(contentType, reader.read(body))) {
            return page(400, UnsubscribePages.notAsked());
        }
        Unsubscription u = unsubscription.get();
        suppressions.unsubscribe(u.address(), u.listId());
        return page(200, UnsubscribePages.done(u.address(), u.listId()));
    }

    private static Response page(int status, String html) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html)
                .header("Content-Security-Policy", UnsubscribePages.CONTENT_SECURITY_POLICY)
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Content-Type-Options", "nosniff")
                .build();
    }
}
