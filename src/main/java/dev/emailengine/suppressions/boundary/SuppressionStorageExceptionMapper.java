package dev.emailengine.suppressions.boundary;

import dev.emailengine.problems.boundary.Problems;
import dev.emailengine.suppressions.control.SuppressionStorageException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The suppression list could not be read or changed: nothing was changed, and no email of the
 * request was queued (intake asks the list before queueing). Logged at most every few seconds.
 */
@Provider
public class SuppressionStorageExceptionMapper implements ExceptionMapper<SuppressionStorageException> {

    private static final System.Logger LOG = System.getLogger(SuppressionStorageExceptionMapper.class.getName());
    private static final long LOG_EVERY_NANOS = 5_000_000_000L;
    private static final AtomicLong LAST_LOGGED = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    @Override
    public Response toResponse(SuppressionStorageException exception) {
        long last = LAST_LOGGED.get();
        long now = System.nanoTime();
        if (now - last >= LOG_EVERY_NANOS && LAST_LOGGED.compareAndSet(last, now)) {
            LOG.log(Level.ERROR, "answered 503: {0}", exception.getMessage());
        }
        return Response.fromResponse(Problems.of(503, "Service Unavailable",
                "The suppression list could not be read or changed; nothing was changed or queued. Try again later.",
                null)).header("Retry-After", "5").build();
    }
}
