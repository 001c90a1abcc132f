package dev.emailengine.problems.entity;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** RFC 9457 problem details; {@code detail} and {@code errors} only when there is something to say. */
@Schema(description = "RFC 9457 problem details (application/problem+json).")
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {
}
