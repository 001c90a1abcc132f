package dev.emailengine.templates.boundary;

import dev.emailengine.platform.JsonRequests;
import dev.emailengine.platform.RequestBodyReader;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.templates.control.TemplateRenderer;
import dev.emailengine.templates.control.Templates;
import dev.emailengine.templates.entity.RenderedEmail;
import dev.emailengine.templates.entity.TemplateInfo;
import dev.emailengine.templates.entity.TemplateList;
import dev.emailengine.templates.entity.TemplatePreview;
import dev.emailengine.templates.entity.TemplateSource;
import dev.emailengine.templates.entity.TemplateSummary;
import dev.emailengine.templates.entity.TemplateUpdate;
import dev.emailengine.templates.entity.TemplateView;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** List, read, preview, create or replace, and delete templates. */
@Path("templates")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(ref = "Templates")
public class TemplatesResource {

    /** Template sources are small; this bounds a PUT or preview body. */
    private static final long MAX_BODY = 1024 * 1024;

    @Inject
    Templates templates;

    /** A preview renders what would be sent, so it stops where sending would. */
    @Inject
    @ConfigProperty(name = "max.body.bytes", defaultValue = "5242880")
    long maxBodyBytes;

    @Inject
    Validator validator;

    private final RequestBodyReader reader = new RequestBodyReader(MAX_BODY);
    private JsonRequests requests;

    @PostConstruct
    void init() {
        requests = new JsonRequests(validator);
    }

    /** The original's listing; {@code detailed=true} adds each template's files, placeholders and description. */
    @GET
    @Operation(operationId = "listTemplates", summary = "Template names; detailed=true adds files, placeholders and description")
    @APIResponse(responseCode = "200", description = "The templates", content = @Content(mediaType = "application/json", schema = @Schema(ref = "TemplateList")))
    public TemplateList list(@QueryParam("detailed") @DefaultValue("false") boolean detailed) {
        List<String> names = templates.names();
        Map<String, TemplateSummary> details = null;
        if (detailed) {
            details = new LinkedHashMap<>();
            for (TemplateInfo info : templates.infos()) {
                details.put(info.name(), TemplateSummary.of(info));
            }
        }
        return new TemplateList(names, names.size(), details);
    }

    @GET
    @Path("{name}")
    @Operation(operationId = "getTemplate", summary = "One template's source and placeholders")
    @APIResponse(responseCode = "200", description = "The template", content = @Content(mediaType = "application/json", schema = @Schema(ref = "TemplateSource")))
    @APIResponse(responseCode = "404", description = "No such template", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "400", description = "Invalid input, naming each field", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public TemplateView get(@PathParam("name") String name) {
        TemplateRenderer.Compiled compiled = existing(name);
        return TemplateView.of(compiled.source(), List.copyOf(compiled.placeholders()));
    }

    /** Renders with the given variables without sending anything: {@code {"template_vars": {...}}}. */
    @POST
    @Path("{name}/preview")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Operation(operationId = "previewTemplate", summary = "Render a template without sending")
    @RequestBody(required = true, description = "The variables", content = @Content(mediaType = "application/json", schema = @Schema(ref = "TemplatePreview")))
    @APIResponse(responseCode = "200", description = "The rendered subject and parts", content = @Content(mediaType = "application/json", schema = @Schema(ref = "RenderedEmail")))
    @APIResponse(responseCode = "400", description = "Invalid input, naming each field", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "404", description = "No such template", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "413", description = "Renders larger than MAX_BODY_BYTES", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public RenderedEmail preview(@PathParam("name") String name, InputStream body) {
        existing(name);
        TemplatePreview request = requests.bind(reader.readObject(body), TemplatePreview.class);
        return templates.render(name, request.templateVars(), null, maxBodyBytes);
    }

    /**
     * Creates or replaces a template from {@code {"subject", "text", "html", "description"}}
     * (text and/or html required). It is compiled first; one that does not compile, or uses a
     * partial, is a 400 and the old version stays. A version broken on disk is replaced.
     */
    @PUT
    @Path("{name}")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Operation(operationId = "putTemplate", summary = "Create or replace a template")
    @RequestBody(required = true, description = "Subject, text and/or html, description", content = @Content(mediaType = "application/json", schema = @Schema(ref = "TemplateUpdate")))
    @APIResponse(responseCode = "200", description = "Replaced", content = @Content(mediaType = "application/json", schema = @Schema(ref = "TemplateSummary")))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = "application/json", schema = @Schema(ref = "TemplateSummary")))
    @APIResponse(responseCode = "400", description = "Invalid input, naming each field", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public Response put(@PathParam("name") String name, InputStream body) {
        JsonRequests.Binding<TemplateUpdate> update = requests.tryBind(reader.readObject(body), TemplateUpdate.class);
        if (update.value().text() == null && update.value().html() == null) {
            JsonRequests.throwIfInvalid(update, new JsonRequests.Binding<>(null,
                    List.of(new FieldError("text", "text, html or both are required")), false));
        }
        TemplateUpdate t = update.orThrow();
        Templates.Saved saved = templates.save(new TemplateSource(name, t.subject(), t.text(), t.html(), t.description()));
        return Response.status(saved.created() ? 201 : 200)
                .entity(TemplateSummary.of(saved.template()).named(saved.template().name())).build();
    }

    @DELETE
    @Path("{name}")
    @Operation(operationId = "deleteTemplate", summary = "Delete a template", description = "A default template comes back, as shipped, at the next start.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such template", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public Response delete(@PathParam("name") String name) {
        if (!templates.delete(name)) {
            throw new NotFoundException("no template " + name);
        }
        return Response.noContent().build();
    }

    private TemplateRenderer.Compiled existing(String name) {
        return templates.find(name).orElseThrow(() -> new NotFoundException("no template " + name));
    }
}
