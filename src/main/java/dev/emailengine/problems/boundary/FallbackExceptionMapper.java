package dev.emailengine.problems.boundary;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.lang.System.Logger.Level;
import java.util.UUID;

/**
 * Anything unexpected: the client gets an incident id to quote and nothing of the internals; the
 * log gets the stack trace under the same id.
 */
@Provider
public class FallbackExceptionMapper implements ExceptionMapper<Throwable> {

    private static final System.Logger LOG = System.getLogger(FallbackExceptionMapper.class.getName());

    @Override
    public Response toResponse(Throwable exception) {
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.ERROR, "incident " + incident, exception);
        return Problems.of(500, "Internal Server Error",
                "An unexpected error occurred; quote incident " + incident + " when reporting it.", null);
    }
}
