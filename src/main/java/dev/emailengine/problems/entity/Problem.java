package dev.emailengine.problems.entity;

import java.util.List;

/** RFC 9457 problem details; {@code detail} and {@code errors} only when there is something to say. */
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {
}
