package dev.emailengine.queue.boundary;

import dev.emailengine.problems.boundary.Problems;
import dev.emailengine.queue.control.QueueStorageException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.lang.System.Logger.Level;

/** A full or failing disk: the email was not accepted, and the client may try again later. */
@Provider
public class QueueStorageExceptionMapper implements ExceptionMapper<QueueStorageException> {

    private static final System.Logger LOG = System.getLogger(QueueStorageExceptionMapper.class.getName());

    @Override
    public Response toResponse(QueueStorageException exception) {
        LOG.log(Level.ERROR, "queue storage failed", exception);
        return Response.fromResponse(Problems.of(503, "Service Unavailable",
                "The email could not be stored and was not accepted; try again later.", null))
                .header("Retry-After", "5").build();
    }
}
