package dev.emailengine;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The REST API lives at the root so existing clients of the original service keep their URLs. */
@ApplicationPath("/")
@OpenAPIDefinition(
        info = @Info(title = "Email Engine API", version = "1",
                description = "Durable email dispatch: every accepted email is on disk before the answer, "
                        + "delivered by a pool of workers with retries, priorities and dead letters. "
                        + "Request and response bodies use snake_case field names.",
                license = @License(name = "Apache-2.0", url = "https://www.apache.org/licenses/LICENSE-2.0")),
        tags = {
            @Tag(name = "Emails", description = "Send, look up and cancel emails"),
            @Tag(name = "Queue", description = "Queue statistics and dead letters"),
            @Tag(name = "Workers", description = "Delivery workers"),
            @Tag(name = "Templates", description = "Mustache templates"),
            @Tag(name = "Service", description = "Index, health and documentation")
        },
        security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "apiKey")})
public class EmailEngineApplication extends Application {
}
