package dev.emailengine.webhooks.boundary;

import dev.emailengine.problems.boundary.Problems;
import dev.emailengine.webhooks.control.WebhookStorageException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.lang.System.Logger.Level;

/** Endpoints or the outbox could not be read or changed: nothing was changed. */
@Provider
public class WebhookStorageExceptionMapper implements ExceptionMapper<WebhookStorageException> {

    private static final System.Logger LOG = System.getLogger(WebhookStorageExceptionMapper.class.getName());

    @Override
    public Response toResponse(WebhookStorageException exception) {
        LOG.log(Level.ERROR, "answered 503: {0}", exception.getMessage());
        return Response.fromResponse(Problems.of(503, "Service Unavailable",
                "The webhook endpoints could not be read or changed; nothing was changed. Try again later.", null))
                .header("Retry-After", "5").build();
    }
}
