package dev.emailengine.health.boundary;

import dev.emailengine.health.control.ComponentHealth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready: the queue can take mail (writable, space above MIN_FREE_DISK_MB), templates load, SMTP answers. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    ComponentHealth health;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("email-engine");
        boolean up = add(response, "queue", health.queueProblem())
                & add(response, "templates", health.templatesProblem())
                & add(response, "smtp", health.senderProblem());
        return response.status(up).build();
    }

    private static boolean add(org.eclipse.microprofile.health.HealthCheckResponseBuilder response, String name,
            Optional<String> problem) {
        response.withData(name, problem.orElse("ok"));
        return problem.isEmpty();
    }
}
