package dev.emailengine.health.boundary;

import dev.emailengine.access.control.AccessPolicy;
import dev.emailengine.health.control.ComponentHealth;
import dev.emailengine.health.entity.Health;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /health} in the original's shape: {@code healthy} or {@code degraded}, and each
 * component {@code "healthy"} or {@code "unhealthy: <reason>"}. Always 200, as the original; the
 * MicroProfile readiness check is the one that turns 503.
 * <p>
 * Open to all, so load balancers need no key; but the reasons name directories, free space and
 * the SMTP server's replies, which are for operators: a caller without a valid key (when keys are
 * configured) reads {@code "unhealthy"} alone.
 */
@Path("health")
@RequestScoped
@Tag(ref = "Service")
public class HealthResource {

    @Inject
    ComponentHealth health;

    @Inject
    AccessPolicy access;

    @Context
    SecurityContext caller;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "health", summary = "Health of queue, templates and SMTP server", description = "Always 200; status is degraded when a component is unhealthy. Open without an API key; the reason after \"unhealthy: \" only with one (or when no keys are configured).")
    @APIResponse(responseCode = "200", description = "Component health", content = @Content(mediaType = "application/json", schema = @Schema(ref = "Health")))
    public Health health() {
        Optional<String> queue = health.queueProblem();
        Optional<String> templates = health.templatesProblem();
        Optional<String> sender = health.senderProblem();
        boolean healthy = queue.isEmpty() && templates.isEmpty() && sender.isEmpty();
        boolean details = access.showsDetailsTo(caller);
        return new Health(healthy ? "healthy" : "degraded", Instant.now(), new Health.Components(
                describe(queue, details), describe(templates, details), describe(sender, details)));
    }

    private static String describe(Optional<String> problem, boolean details) {
        return problem.map(p -> details ? "unhealthy: " + p : "unhealthy").orElse("healthy");
    }
}
