package dev.emailengine.dashboard.boundary;

import dev.emailengine.access.control.AccessPolicy;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The dashboard's static files at {@code /dashboard}, open to all: the page holds no data, the
 * figures and actions behind it need a key. Served from the class path (the application owns
 * {@code /}, so the server's static file handling never sees these paths), only the names listed,
 * each with a Content-Security-Policy that lets the page run its own files and nothing else.
 */
@Path("dashboard")
@RequestScoped
@Tag(ref = "Dashboard")
public class DashboardResource {

    /**
     * No inline script or style, no other origin, not even for images; the page talks to this
     * origin only. uPlot sets styles through the DOM (allowed); a CSP violation shows in the console.
     */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record Asset(String path, String type, boolean versioned) {
    }

    private static final Map<String, Asset> ASSETS = Map.of(
            "dashboard.js", new Asset("dashboard/dashboard.js", "text/javascript; charset=utf-8", false),
            "dashboard.css", new Asset("dashboard/dashboard.css", "text/css; charset=utf-8", false),
            "uplot.min.js", new Asset("dist/uPlot.iife.min.js", "text/javascript; charset=utf-8", true),
            "uplot.min.css", new Asset("dist/uPlot.min.css", "text/css; charset=utf-8", true));

    /** The uPlot webjar's version, from its own Maven metadata: nothing to keep in step by hand. */
    private static final String UPLOT = "META-INF/resources/webjars/uplot/" + webjarVersion() + "/";

    /** The page, with a marker that tells its script whether to ask for a key before its first call. */
    private static final String PAGE = text("dashboard/index.html");

    @Inject
    AccessPolicy access;

    private static String text(String path) {
        try (InputStream in = DashboardResource.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the application");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String webjarVersion() {
        try (InputStream in = DashboardResource.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            var properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "missing");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GET
    @Operation(operationId = "dashboard", summary = "The operations dashboard (HTML; its data needs a key)")
    @APIResponse(responseCode = "200", description = "The page", content = @Content(mediaType = "text/html"))
    public Response page() {
        String page = PAGE.replace("KEY_REQUIRED", String.valueOf(access.required()));
        return headers(Response.ok(page, "text/html; charset=utf-8"), false);
    }

    @GET
    @Path("{file}")
    @Operation(operationId = "dashboardAsset", summary = "A file of the dashboard (JavaScript, CSS)")
    @APIResponse(responseCode = "200", description = "The file")
    @APIResponse(responseCode = "404", description = "Not a file of the dashboard")
    public Response asset(@PathParam("file") String file) {
        Asset asset = ASSETS.get(file);
        if (asset == null) {
            throw new NotFoundException("no such dashboard file");
        }
        return file(asset.versioned() ? UPLOT + asset.path() : asset.path(), asset.type(), asset.versioned());
    }

    private static Response file(String path, String type, boolean immutable) {
        InputStream in = DashboardResource.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new NotFoundException("no such dashboard file");
        }
        return headers(Response.ok(in, type), immutable);
    }

    private static Response headers(Response.ResponseBuilder response, boolean immutable) {
        var cache = new CacheControl();
        if (immutable) {
            cache.setMaxAge(86_400);
        } else {
            cache.setNoCache(true); // revalidated, so a new release's page and script arrive together
        }
        return response.cacheControl(cache)
                .header("Content-Security-Policy", POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .build();
    }
}
