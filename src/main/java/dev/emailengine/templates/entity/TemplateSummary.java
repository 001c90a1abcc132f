package dev.emailengine.templates.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A template's files, placeholders and description: an entry of the detailed listing (without
 * name, the listing's key) and the answer to {@code PUT /templates/{name}} (with it).
 */
@Schema(name = "TemplateSummary")
public record TemplateSummary(
        @Schema(description = "Only in the answer to PUT") String name,
        @Schema(example = "[\"welcome.txt\", \"welcome.html\"]") List<String> files,
        List<String> placeholders,
        @Schema(nullable = true) @JsonbNillable String description) {

    public static TemplateSummary of(TemplateInfo info) {
        return new TemplateSummary(null, info.files(), info.placeholders(), info.description());
    }

    public TemplateSummary named(String templateName) {
        return new TemplateSummary(templateName, files, placeholders, description);
    }
}
