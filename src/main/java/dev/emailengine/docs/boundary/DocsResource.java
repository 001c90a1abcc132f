package dev.emailengine.docs.boundary;

import dev.emailengine.docs.control.BuildInfo;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Swagger UI at {@code /docs} over the server's {@code /openapi} document. The UI's files come
 * from the Swagger UI webjar in the WAR; only its own file names can be asked for, so no path
 * reaches anything else on the class path.
 */
@Path("docs")
@RequestScoped
@Tag(ref = "Service")
public class DocsResource {

    private static final Pattern ASSET = Pattern.compile("[a-z0-9-]{1,64}\\.(js|css|png)");
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript", "css", "text/css", "png",
            "image/png");
    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Email Engine API</title>
              <link rel="stylesheet" href="/docs/swagger-ui.css">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="/docs/swagger-ui-bundle.js"></script>
              <script src="/docs/swagger-ui-init.js"></script>
            </body>
            </html>
            """;
    /** A separate file rather than inline script, so a strict Content-Security-Policy can allow 'self' only. */
    private static final String INIT = """
            window.ui = SwaggerUIBundle({ url: "/openapi", dom_id: "#swagger-ui", deepLinking: true });
            """;

    @Inject
    BuildInfo build;

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(operationId = "docs", summary = "Swagger UI over the OpenAPI document at /openapi")
    @APIResponse(responseCode = "200", description = "The Swagger UI page", content = @Content(mediaType = "text/html"))
    public Response page() {
        return Response.ok(PAGE).build();
    }

    @GET
    @Path("{file}")
    // Documented rather than hidden: Payara logs a SEVERE for the path parameter of a hidden operation.
    @Operation(operationId = "docsAsset", summary = "A file of the Swagger UI (JavaScript, CSS, images)")
    @APIResponse(responseCode = "200", description = "The file")
    @APIResponse(responseCode = "404", description = "Not a Swagger UI file")
    public Response asset(@PathParam("file") String file) {
        if (file.equals("swagger-ui-init.js")) {
            return Response.ok(INIT, "text/javascript").build();
        }
        if (!ASSET.matcher(file).matches()) {
            throw new NotFoundException("no such documentation file");
        }
        InputStream in = DocsResource.class.getClassLoader().getResourceAsStream(
                "META-INF/resources/webjars/swagger-ui/" + build.swaggerUiVersion() + "/" + file);
        if (in == null) {
            throw new NotFoundException("no such documentation file");
        }
        var cache = new CacheControl();
        cache.setMaxAge(86_400);
        String extension = file.substring(file.lastIndexOf('.') + 1);
        return Response.ok(in, TYPES.get(extension)).cacheControl(cache).build();
    }
}
