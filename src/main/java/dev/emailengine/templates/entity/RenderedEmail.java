package dev.emailengine.templates.entity;

/** A template filled in: what would be sent. A null part is absent. */
public record RenderedEmail(String subject, String text, String html) {
}
