package dev.emailengine.templates.entity;

/**
 * A template as written: a subject line, a plain-text and/or an HTML body, each Mustache source.
 * A null body is absent. On disk the subject is the first line of {@code <name>.txt}; a template
 * with only an HTML body keeps its subject in the manifest.
 */
public record TemplateSource(String name, String subject, String text, String html, String description) {
}
