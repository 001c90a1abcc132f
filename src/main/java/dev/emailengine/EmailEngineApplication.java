package dev.emailengine;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.ExternalDocumentation;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The REST API lives at the root so existing clients of the original service keep their URLs.
 * Its OpenAPI document comes from annotations (here and on the resources) and, for the schemas of
 * the bodies, from the records themselves (docs.control.ApiSchemas): there is no static file.
 */
@ApplicationPath("/")
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "One of the keys in API_KEYS. Required on every endpoint except /health, /docs and "
                + "/openapi when API_KEYS is set.")
@SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        apiKeyName = "X-API-Key", description = "The same keys as the bearer scheme, in a header of their own.")
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
            @Tag(name = "Suppressions", description = "Addresses never mailed again, or never sent one list: hard bounces, operators' entries, unsubscriptions"),
            @Tag(name = "Webhooks", description = "Delivery events pushed to your endpoints, signed per Standard Webhooks"),
            @Tag(name = "Unsubscribe", description = "One-click unsubscribe links (RFC 8058); public, the signed token is the credential"),
            @Tag(name = "Dashboard", description = "The operations dashboard: its page (public) and its figures"),
            @Tag(name = "Service", description = "Index, health and documentation")
        },
        security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "apiKey")},
        // Set, because WildFly writes an unset one as {}, which lacks the url the standard requires.
        externalDocs = @ExternalDocumentation(description = "Swagger UI over this document", url = "/docs"))
public class EmailEngineApplication extends Application {
}
