package dev.emailengine.templates.control;

import dev.emailengine.problems.entity.FieldError;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code template_vars} from JSON: values may be strings, numbers or booleans (the original's
 * README examples send numbers); each is rendered as text.
 */
public final class TemplateVars {

    private TemplateVars() {
    }

    public static Map<String, String> parse(JsonValue value, List<FieldError> errors) {
        return parse(value, "template_vars", errors);
    }

    /** @param field the name errors carry, for vars nested deeper than the top level */
    public static Map<String, String> parse(JsonValue value, String field, List<FieldError> errors) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return Map.of();
        }
        if (!(value instanceof JsonObject vars)) {
            errors.add(new FieldError(field, "must be an object of names to values"));
            return Map.of();
        }
        var result = new LinkedHashMap<String, String>();
        vars.forEach((name, v) -> {
            switch (v.getValueType()) {
                case STRING -> result.put(name, ((JsonString) v).getString());
                case NUMBER -> result.put(name, ((JsonNumber) v).toString());
                case TRUE, FALSE -> result.put(name, v.toString());
                case NULL -> result.put(name, "");
                default -> errors.add(new FieldError(field + "." + name, "must be a string, number or boolean"));
            }
        });
        return result;
    }
}
