package dev.emailengine.emails.boundary;

import dev.emailengine.emails.control.EmailAssembler;
import dev.emailengine.emails.control.EmailRequestParser;
import dev.emailengine.emails.control.RequestBodyReader;
import dev.emailengine.emails.entity.AcceptedEmail;
import dev.emailengine.emails.entity.EmailRequest;
import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.EmailDetails;
import dev.emailengine.queue.entity.QueuedEmail;
import dev.emailengine.templates.control.Templates;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** {@code POST /email}: validate, store durably, answer; delivery happens later, on a worker. {@code GET /email/{id}}: where it is now. */
@Path("email")
@RequestScoped
public class EmailsResource {

    @Inject
    MailQueue queue;

    @Inject
    Templates templates;

    @Inject
    @ConfigProperty(name = "max.request.bytes", defaultValue = "16777216")
    long maxRequestBytes;

    @Inject
    @ConfigProperty(name = "max.body.bytes", defaultValue = "5242880")
    long maxBodyBytes;

    private RequestBodyReader reader;
    private EmailAssembler assembler;
    private final EmailRequestParser parser = new EmailRequestParser();

    @PostConstruct
    void init() {
        reader = new RequestBodyReader(maxRequestBytes);
        assembler = new EmailAssembler(maxBodyBytes, templates);
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public EmailDetails find(@PathParam("id") String id) {
        return queue.find(id).orElseThrow(() -> new NotFoundException("no email " + id));
    }

    /** The body is read as bytes, not bound by the framework, so every malformed input gets our 4xx. */
    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Produces(MediaType.APPLICATION_JSON)
    public AcceptedEmail send(InputStream body) {
        EmailRequest request = parser.parse(reader.readObject(body));
        QueuedEmail queued = queue.enqueue(assembler.assemble(request), request.priority(), request.templateName());
        return AcceptedEmail.queued(queued.id(), queued.createdAt());
    }
}
