package floor;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code POST /email} with nothing behind it: the body is read to its end, as the service reads
 * it, and a fixed answer the size of the service's goes back. No CDI, validation, JSON binding,
 * EJB or disk: what the service spends beyond this is its own per-request work.
 */
@Path("email")
public class FloorResource {

    private static final String ANSWER =
            "{\"request_id\":\"batch_1764561600000_0123456789abcdef\",\"message\":\"Email queued for delivery\","
            + "\"status\":\"queued\",\"timestamp\":\"2026-12-01T04:00:00.000000Z\"}";

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public String accept(InputStream body) throws IOException {
        body.readAllBytes();
        return ANSWER;
    }
}
