package dev.emailengine.problems.entity;

/** One rejected input: which field (JSON name, or {@code body} for the request as a whole) and why. */
public record FieldError(String field, String message) {
}
