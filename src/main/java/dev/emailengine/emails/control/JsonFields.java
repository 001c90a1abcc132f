package dev.emailengine.emails.control;

import dev.emailengine.problems.entity.FieldError;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Typed reads of request fields that record, rather than throw, what is wrong. */
public final class JsonFields {

    private JsonFields() {
    }

    /** The string value, null when absent or JSON null; a non-string is recorded as an error. */
    public static String string(JsonObject json, String field, List<FieldError> errors) {
        return string(json.get(field), field, errors);
    }

    /** As above, for a value found anywhere, reported under {@code field}. */
    public static String string(JsonValue value, String field, List<FieldError> errors) {
        if (isAbsent(value)) {
            return null;
        }
        if (value instanceof JsonString s) {
            return s.getString();
        }
        errors.add(new FieldError(field, "must be a string"));
        return null;
    }

    /** One string or an array of strings (how cc, bcc and reply_to may be given); empty when absent. */
    public static List<String> stringOrList(JsonObject json, String field, int max, List<FieldError> errors) {
        JsonValue value = json.get(field);
        if (isAbsent(value)) {
            return List.of();
        }
        if (value instanceof JsonString s) {
            return List.of(s.getString());
        }
        if (!(value instanceof JsonArray array)) {
            errors.add(new FieldError(field, "must be a string or an array of strings"));
            return List.of();
        }
        if (array.size() > max) {
            errors.add(new FieldError(field, "has more than " + max + " entries"));
            return List.of();
        }
        var result = new ArrayList<String>();
        for (int i = 0; i < array.size(); i++) {
            String item = string(array.get(i), field + "[" + i + "]", errors);
            if (item != null) {
                result.add(item);
            } else if (isAbsent(array.get(i))) {
                errors.add(new FieldError(field + "[" + i + "]", "must be a string"));
            }
        }
        return result;
    }

    /** An object whose values are all strings, in the client's order; empty when absent. */
    public static Map<String, String> stringMap(JsonObject json, String field, List<FieldError> errors) {
        JsonValue value = json.get(field);
        if (isAbsent(value)) {
            return Map.of();
        }
        if (!(value instanceof JsonObject object)) {
            errors.add(new FieldError(field, "must be an object of names to strings"));
            return Map.of();
        }
        var result = new LinkedHashMap<String, String>();
        object.forEach((name, v) -> {
            String text = string(v, field + "." + name, errors);
            if (text != null) {
                result.put(name, text);
            } else if (isAbsent(v)) {
                errors.add(new FieldError(field + "." + name, "must be a string"));
            }
        });
        return result;
    }

    /** An array whose items are all objects; empty when absent. */
    public static List<JsonObject> objects(JsonObject json, String field, List<FieldError> errors) {
        JsonValue value = json.get(field);
        if (isAbsent(value)) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            errors.add(new FieldError(field, "must be an array of objects"));
            return List.of();
        }
        var result = new ArrayList<JsonObject>();
        for (int i = 0; i < array.size(); i++) {
            if (array.get(i) instanceof JsonObject object) {
                result.add(object);
            } else {
                errors.add(new FieldError(field + "[" + i + "]", "must be an object"));
            }
        }
        return result;
    }

    public static boolean isAbsent(JsonValue value) {
        return value == null || value.getValueType() == JsonValue.ValueType.NULL;
    }
}
