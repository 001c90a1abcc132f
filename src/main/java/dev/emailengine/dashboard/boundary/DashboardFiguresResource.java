package dev.emailengine.dashboard.boundary;

import dev.emailengine.dashboard.control.DashboardSampling;
import dev.emailengine.dashboard.entity.DashboardFigures;
import dev.emailengine.problems.control.InvalidInputException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /dashboard/figures}: the last hour's samples and the domain table, from memory. A
 * page asks once for the hour, then only for the samples after the last one it has.
 */
@Path("dashboard/figures")
@RequestScoped
@Tag(ref = "Dashboard")
public class DashboardFiguresResource {

    @Inject
    DashboardSampling sampling;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "dashboardFigures", summary = "The dashboard's series (last hour) and per-domain table")
    @APIResponse(responseCode = "200", description = "Samples oldest first", content = @Content(mediaType = "application/json", schema = @Schema(ref = "DashboardFigures")))
    @APIResponse(responseCode = "400", description = "since is not a timestamp", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public DashboardFigures figures(
            @Parameter(description = "Only samples after this instant (ISO 8601, the at of the last sample held)") @QueryParam("since") String since) {
        return sampling.figures(parse(since));
    }

    private static Instant parse(String since) {
        if (since == null || since.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw InvalidInputException.badRequest("since", "must be an ISO 8601 instant such as 2026-12-02T10:15:30Z");
        }
    }
}
