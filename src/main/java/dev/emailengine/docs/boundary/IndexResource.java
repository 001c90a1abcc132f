package dev.emailengine.docs.boundary;

import dev.emailengine.docs.control.BuildInfo;
import dev.emailengine.docs.entity.ServiceIndex;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /}: what this is and where everything is, as the original answered. */
@Path("")
@RequestScoped
@Tag(ref = "Service")
public class IndexResource {

    private static final Map<String, String> ENDPOINTS = endpoints();

    @Inject
    BuildInfo build;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "index", summary = "Name, version and the list of endpoints")
    @APIResponse(responseCode = "200", description = "The service index",
            content = @Content(schema = @Schema(ref = "ServiceIndex")))
    public ServiceIndex index() {
        return new ServiceIndex("Email Engine API", build.version(),
                "Durable email dispatch: templates, a persistent priority queue, retries and dead letters",
                ENDPOINTS, "/docs");
    }

    private static Map<String, String> endpoints() {
        var endpoints = new LinkedHashMap<String, String>();
        endpoints.put("send_email", "POST /email");
        endpoints.put("send_bulk", "POST /emails");
        endpoints.put("email_status", "GET /email/{id}");
        endpoints.put("cancel_email", "DELETE /email/{id}");
        endpoints.put("status", "GET /status");
        endpoints.put("health", "GET /health");
        endpoints.put("templates", "GET /templates");
        endpoints.put("template", "GET|PUT|DELETE /templates/{name}");
        endpoints.put("template_preview", "POST /templates/{name}/preview");
        endpoints.put("workers", "GET /workers/status");
        endpoints.put("workers_pause", "POST /workers/pause");
        endpoints.put("workers_resume", "POST /workers/resume");
        endpoints.put("process_batch", "POST /process-batch");
        endpoints.put("dead_letters", "GET /dead-letter");
        endpoints.put("retry_dead_letter", "POST /dead-letter/{id}/retry");
        endpoints.put("retry_all_dead_letters", "POST /dead-letter/retry-all");
        endpoints.put("suppressions", "GET|POST /suppressions");
        endpoints.put("remove_suppression", "DELETE /suppressions/{address}");
        endpoints.put("unsubscribe", "GET|POST /unsubscribe/{token}");
        endpoints.put("webhooks", "GET|POST /webhooks");
        endpoints.put("remove_webhook", "DELETE /webhooks/{id}");
        endpoints.put("rotate_webhook_secret", "POST /webhooks/{id}/rotate-secret");
        endpoints.put("webhook_deliveries", "GET /webhooks/{id}/deliveries");
        endpoints.put("retry_webhook_delivery", "POST /webhooks/{id}/deliveries/{event}/retry");
        endpoints.put("docs", "GET /docs");
        endpoints.put("dashboard", "GET /dashboard");
        endpoints.put("openapi", "GET /openapi");
        endpoints.put("metrics", "GET /metrics");
        return Collections.unmodifiableMap(endpoints);
    }
}
