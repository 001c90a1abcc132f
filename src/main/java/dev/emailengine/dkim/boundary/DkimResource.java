package dev.emailengine.dkim.boundary;

import dev.emailengine.dkim.control.DkimConfiguration;
import dev.emailengine.dkim.entity.DkimRecords;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The DKIM selectors in use and the DNS records to publish for them. */
@Path("dkim")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(ref = "Service")
public class DkimResource {

    @Inject
    DkimConfiguration signing;

    @GET
    @Operation(operationId = "dkimRecords", summary = "DKIM selectors and the DNS TXT records to publish")
    @APIResponse(responseCode = "200", description = "Each configured selector; empty when mail goes out unsigned",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "DkimRecords")))
    public DkimRecords records() {
        return new DkimRecords(signing.keys().records());
    }
}
