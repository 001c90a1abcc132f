package dev.emailengine.templates.entity;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /templates}, the original's listing; {@code details} only with {@code detailed=true}. */
@Schema(name = "TemplateList")
public record TemplateList(
        @Schema(example = "[\"notification\", \"password_reset\", \"verify\", \"welcome\"]") List<String> templates,
        int count,
        @Schema(description = "Only with detailed=true: name -> files, placeholders and description")
        Map<String, TemplateSummary> details) {
}
