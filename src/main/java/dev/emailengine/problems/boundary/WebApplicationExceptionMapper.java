package dev.emailengine.problems.boundary;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Every HTTP error the framework raises (404, 405, 415, ...) as problem details. */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response original = exception.getResponse();
        var status = Response.Status.fromStatusCode(original.getStatus());
        String title = status == null ? "HTTP " + original.getStatus() : status.getReasonPhrase();
        // The message is ours ("no email <id>") or the framework's ("HTTP 404 Not Found"), never internals.
        Response problem = Problems.of(original.getStatus(), title, exception.getMessage(), null);
        // Keep headers such as Allow (405) or WWW-Authenticate (401) that tell the client what to do.
        var builder = Response.fromResponse(problem);
        original.getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        return builder.build();
    }
}
