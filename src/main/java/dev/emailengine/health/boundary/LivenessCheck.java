package dev.emailengine.health.boundary;

import dev.emailengine.health.control.ComponentHealth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive: every delivery worker that should run is running. An SMTP outage is not a reason to restart. */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    @Inject
    ComponentHealth health;

    @Override
    public HealthCheckResponse call() {
        var problem = health.workersProblem();
        return HealthCheckResponse.named("email-engine-workers").status(problem.isEmpty())
                .withData("workers", problem.orElse("ok")).build();
    }
}
