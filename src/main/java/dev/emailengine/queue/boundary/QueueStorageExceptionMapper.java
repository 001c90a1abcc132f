package dev.emailengine.queue.boundary;

import dev.emailengine.problems.boundary.Problems;
import dev.emailengine.queue.control.QueueStorageException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A full or failing disk, or a database that does not answer: the email was not accepted, and the
 * client may try again later. Logged at most every few seconds with how many were refused, so an
 * outage under load does not bury the log.
 */
@Provider
public class QueueStorageExceptionMapper implements ExceptionMapper<QueueStorageException> {

    private static final System.Logger LOG = System.getLogger(QueueStorageExceptionMapper.class.getName());
    private static final long LOG_EVERY_NANOS = 5_000_000_000L;
    private static final AtomicLong REFUSED = new AtomicLong();
    private static final AtomicLong LAST_LOGGED = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    @Override
    public Response toResponse(QueueStorageException exception) {
        long refused = REFUSED.incrementAndGet();
        long last = LAST_LOGGED.get();
        long now = System.nanoTime();
        if (now - last >= LOG_EVERY_NANOS && LAST_LOGGED.compareAndSet(last, now)) {
            REFUSED.addAndGet(-refused);
            LOG.log(Level.ERROR, "{0} request(s) answered 503 since the last report, the latest because: {1}",
                    refused, describe(exception));
        }
        return Response.fromResponse(Problems.of(503, "Service Unavailable",
                "The email could not be stored and was not accepted; try again later.", null))
                .header("Retry-After", "5").build();
    }

    private static String describe(Throwable exception) {
        StringBuilder reason = new StringBuilder(String.valueOf(exception.getMessage()));
        for (Throwable cause = exception.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && reason.indexOf(cause.getMessage()) < 0) {
                reason.append(" (").append(cause.getMessage()).append(')');
            }
        }
        return reason.toString();
    }
}
