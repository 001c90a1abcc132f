package dev.emailengine.emails.control;

import dev.emailengine.problems.entity.FieldError;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;

/** Typed reads of request fields that record, rather than throw, what is wrong. */
public final class JsonFields {

    private JsonFields() {
    }

    /** The string value, null when absent or JSON null; a non-string is recorded as an error. */
    public static String string(JsonObject json, String field, List<FieldError> errors) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value instanceof JsonString s) {
            return s.getString();
        }
        errors.add(new FieldError(field, "must be a string"));
        return null;
    }
}
