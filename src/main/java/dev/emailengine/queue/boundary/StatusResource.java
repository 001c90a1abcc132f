package dev.emailengine.queue.boundary;

import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.QueueStatus;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /status}: queue statistics and one page of per-file metadata, from memory. */
@Path("status")
@RequestScoped
public class StatusResource {

    @Inject
    MailQueue queue;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public QueueStatus status(@QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        Paging.check(offset, limit);
        return queue.status(offset, limit);
    }
}
