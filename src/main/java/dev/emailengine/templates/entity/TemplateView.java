package dev.emailengine.templates.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /templates/{name}}: the Mustache sources as written, and the placeholders they use. */
@Schema(name = "TemplateSource")
public record TemplateView(
        String name,
        @Schema(nullable = true, example = "Welcome, {{name}}!") @JsonbNillable String subject,
        @Schema(nullable = true) @JsonbNillable String text,
        @Schema(nullable = true) @JsonbNillable String html,
        @Schema(nullable = true) @JsonbNillable String description,
        List<String> placeholders) {

    public static TemplateView of(TemplateSource source, List<String> placeholders) {
        return new TemplateView(source.name(), source.subject(), source.text(), source.html(), source.description(),
                placeholders);
    }
}
