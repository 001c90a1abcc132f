package dev.emailengine.templates.entity;

import java.util.List;

/**
 * One entry of {@code manifest.json} and of {@code GET /templates?detailed=true}. {@code subject}
 * is only set for a template without a text file, which is where its subject lives.
 */
public record TemplateInfo(String name, List<String> files, List<String> placeholders, String description,
        String subject) {
}
