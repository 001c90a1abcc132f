package dev.emailengine.templates.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A template filled in: what would be sent. A null part is absent. */
@Schema(name = "RenderedEmail")
public record RenderedEmail(
        String subject,
        @Schema(nullable = true) @JsonbNillable String text,
        @Schema(nullable = true) @JsonbNillable String html) {
}
