package dev.emailengine.templates.entity;

import dev.emailengine.platform.SingleLine;
import jakarta.validation.constraints.NotBlank;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code PUT /templates/{name}}: text, html or both are required. */
@Schema(name = "TemplateUpdate", description = "Text, html or both are required.")
public record TemplateUpdate(
        // The subject is the first line of the .txt file: a second line would become the body.
        @Schema(example = "Welcome, {{name}}!", description = "One line")
        @NotBlank(message = "is required") @SingleLine(message = "must be one line") String subject,
        @Schema(description = "Mustache source of the plain-text part") String text,
        @Schema(description = "Mustache source of the HTML part") String html,
        String description) {
}
