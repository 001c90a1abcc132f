package dev.emailengine.templates.entity;

import dev.emailengine.platform.TextValues;
import java.util.Map;

/** The body of {@code POST /templates/{name}/preview}. */
public record TemplatePreview(@TextValues Map<String, String> templateVars) {

    public TemplatePreview {
        templateVars = templateVars == null ? Map.of() : templateVars;
    }
}
