package dev.emailengine.templates.boundary;

import static dev.emailengine.platform.JsonConfiguration.JSON;

import dev.emailengine.emails.control.JsonFields;
import dev.emailengine.platform.RequestBodyReader;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.templates.control.TemplateRenderer;
import dev.emailengine.templates.control.TemplateVars;
import dev.emailengine.templates.control.Templates;
import dev.emailengine.templates.entity.RenderedEmail;
import dev.emailengine.templates.entity.TemplateInfo;
import dev.emailengine.templates.entity.TemplateSource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
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
import java.util.ArrayList;
import java.util.List;
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

    private final RequestBodyReader reader = new RequestBodyReader(MAX_BODY);

    /** The original's listing; {@code detailed=true} adds each template's files, placeholders and description. */
    @GET
    @Operation(operationId = "listTemplates", summary = "Template names; detailed=true adds files, placeholders and description")
    @APIResponse(responseCode = "200", description = "The templates", content = @Content(mediaType = "application/json", schema = @Schema(ref = "TemplateList")))
    public JsonObject list(@QueryParam("detailed") @DefaultValue("false") boolean detailed) {
        List<String> names = templates.names();
        JsonObjectBuilder body = JSON.createObjectBuilder()
                .add("templates", JSON.createArrayBuilder(names))
                .add("count", names.size());
        if (detailed) {
            JsonObjectBuilder details = JSON.createObjectBuilder();
            for (TemplateInfo info : templates.infos()) {
                details.add(info.name(), describe(info));
            }
            body.add("details", details);
        }
        return body.build();
    }

    @GET
    @Path("{name}")
    @Operation(operationId = "getTemplate", summary = "One template's source and placeholders")
    @APIResponse(responseCode = "200", description = "The template", content = @Content(mediaType = "application/json", schema = @Schema(ref = "TemplateSource")))
    @APIResponse(responseCode = "404", description = "No such template", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "400", description = "Invalid input, naming each field", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public JsonObject get(@PathParam("name") String name) {
        TemplateRenderer.Compiled compiled = existing(name);
        TemplateSource s = compiled.source();
        JsonObjectBuilder body = JSON.createObjectBuilder().add("name", s.name());
        addNullable(body, "subject", s.subject());
        addNullable(body, "text", s.text());
        addNullable(body, "html", s.html());
        addNullable(body, "description", s.description());
        return body.add("placeholders", JSON.createArrayBuilder(List.copyOf(compiled.placeholders()))).build();
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
    public JsonObject preview(@PathParam("name") String name, InputStream body) {
        existing(name);
        JsonObject request = reader.readObject(body);
        var errors = new ArrayList<FieldError>();
        var vars = TemplateVars.parse(request.get("template_vars"), errors);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(400, "Invalid request", errors);
        }
        RenderedEmail rendered = templates.render(name, vars, null, maxBodyBytes);
        JsonObjectBuilder out = JSON.createObjectBuilder().add("subject", rendered.subject());
        addNullable(out, "text", rendered.text());
        addNullable(out, "html", rendered.html());
        return out.build();
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
    @RequestBody(required = true, description = "Subject, text and/or html, description", content = @Content(mediaType = "application/json", schema = @Schema(ref = "TemplateSource")))
    @APIResponse(responseCode = "200", description = "Replaced", content = @Content(mediaType = "application/json", schema = @Schema(ref = "TemplateSource")))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = "application/json", schema = @Schema(ref = "TemplateSource")))
    @APIResponse(responseCode = "400", description = "Invalid input, naming each field", content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public Response put(@PathParam("name") String name, InputStream body) {
        JsonObject json = reader.readObject(body);
        var errors = new ArrayList<FieldError>();
        String subject = JsonFields.string(json, "subject", errors);
        String text = JsonFields.string(json, "text", errors);
        String html = JsonFields.string(json, "html", errors);
        String description = JsonFields.string(json, "description", errors);
        if (subject == null || subject.isBlank()) {
            errors.add(new FieldError("subject", "is required"));
        } else if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
            errors.add(new FieldError("subject", "must be one line"));
        }
        if (text == null && html == null) {
            errors.add(new FieldError("text", "text, html or both are required"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(400, "Invalid template", errors);
        }
        Templates.Saved saved = templates.save(new TemplateSource(name, subject, text, html, description));
        return Response.status(saved.created() ? 201 : 200).entity(JSON.createObjectBuilder(describe(saved.template()))
                .add("name", saved.template().name()).build()).build();
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

    private static JsonObject describe(TemplateInfo info) {
        JsonObjectBuilder entry = JSON.createObjectBuilder()
                .add("files", JSON.createArrayBuilder(info.files()))
                .add("placeholders", JSON.createArrayBuilder(info.placeholders()));
        addNullable(entry, "description", info.description());
        return entry.build();
    }

    private static void addNullable(JsonObjectBuilder builder, String key, String value) {
        if (value == null) {
            builder.addNull(key);
        } else {
            builder.add(key, value);
        }
    }

}
