package dev.emailengine.templates.entity;

import dev.emailengine.platform.TextValues;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /templates/{name}/preview}. */
@Schema(name = "TemplatePreview")
public record TemplatePreview(@Schema(ref = "TemplateVars") @TextValues Map<String, String> templateVars) {

    public TemplatePreview {
        templateVars = templateVars == null ? Map.of() : templateVars;
    }
}
