package dev.emailengine.health.boundary;

import dev.emailengine.access.control.AccessPolicy;
import dev.emailengine.health.control.ComponentHealth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready: the queue can take mail (writable, space above MIN_FREE_DISK_MB), templates load, SMTP
 * answers. The server serves this to anyone, without the API key check, so when keys are
 * configured each component reads {@code ok} or {@code unhealthy} only; the reasons are in
 * {@code GET /health} for a caller with a key.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    ComponentHealth health;

    @Inject
    AccessPolicy access;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("email-engine");
        boolean details = access.showsDetailsToAnyone();
        boolean up = add(response, "queue", health.queueProblem(), details)
                & add(response, "templates", health.templatesProblem(), details)
                & add(response, "smtp", health.senderProblem(), details);
        return response.status(up).build();
    }

    private static boolean add(HealthCheckResponseBuilder response, String name, Optional<String> problem,
            boolean details) {
        response.withData(name, problem.map(p -> details ? p : "unhealthy").orElse("ok"));
        return problem.isEmpty();
    }
}
