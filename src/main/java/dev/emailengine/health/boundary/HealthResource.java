package dev.emailengine.health.boundary;

import dev.emailengine.health.control.ComponentHealth;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code GET /health} in the original's shape: {@code healthy} or {@code degraded}, and each
 * component {@code "healthy"} or {@code "unhealthy: <reason>"}. Always 200, as the original; the
 * MicroProfile readiness check is the one that turns 503.
 */
@Path("health")
@RequestScoped
public class HealthResource {

    @Inject
    ComponentHealth health;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject health() {
        Optional<String> queue = health.queueProblem();
        Optional<String> templates = health.templatesProblem();
        Optional<String> sender = health.senderProblem();
        boolean healthy = queue.isEmpty() && templates.isEmpty() && sender.isEmpty();
        return Json.createObjectBuilder()
                .add("status", healthy ? "healthy" : "degraded")
                .add("timestamp", Instant.now().toString())
                .add("components", Json.createObjectBuilder()
                        .add("queue_manager", describe(queue))
                        .add("template_engine", describe(templates))
                        .add("email_sender", describe(sender)))
                .build();
    }

    private static String describe(Optional<String> problem) {
        return problem.map(p -> "unhealthy: " + p).orElse("healthy");
    }
}
