package dev.emailengine.emails.entity;

import jakarta.validation.constraints.NotNull;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One file as the client attaches it; checked and made safe before it is queued. */
@Schema(name = "Attachment")
public record AttachmentUpload(
        @Schema(example = "invoice-2026-11.pdf", description = "Reduced to its last path segment and safe characters")
        String filename,
        @Schema(example = "application/pdf", defaultValue = "application/octet-stream") String contentType,
        @Schema(format = "byte", example = "JVBERi0xLjQK")
        @NotNull(message = "is required") String contentBase64) {
}
