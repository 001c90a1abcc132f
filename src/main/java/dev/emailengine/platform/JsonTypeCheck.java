package dev.emailengine.platform;

import static dev.emailengine.platform.JsonConfiguration.JSON;

import dev.emailengine.problems.entity.FieldError;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks each JSON value against the type of the record component it binds to, naming every
 * mismatch by its JSON path, and returns the JSON the binding may read without surprises. JSON-B
 * alone would stop at the first mismatch without naming the field, and silently coerce some
 * values (a number into a string). The lax cases are the original's (Pydantic's): an integer may
 * come as a numeric string, an enum in any case, a date-time with any offset. Unknown fields are
 * left out, as the binding ignores them.
 */
final class JsonTypeCheck {

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]{1,18}");
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /**
     * @param singletonLists paths of {@link OneOrMany} lists holding one entry, named without index
     */
    record Result(JsonObject json, List<FieldError> errors, Set<String> singletonLists) {
    }

    private final List<FieldError> errors = new ArrayList<>();
    private final Set<String> singletonLists = new HashSet<>();

    private JsonTypeCheck() {
    }

    static Result check(JsonObject json, Class<? extends Record> type) {
        var check = new JsonTypeCheck();
        JsonObject checked = check.record(json, type, "");
        return new Result(checked, List.copyOf(check.errors), Set.copyOf(check.singletonLists));
    }

    /** A record component with what the check needs of it, worked out once per record class. */
    private record Component(RecordComponent component, String name) {
    }

    /** Reflection copies arrays and names are translated on every call: once per class is enough. */
    private static final ClassValue<List<Component>> COMPONENTS = new ClassValue<>() {
        @Override
        protected List<Component> computeValue(Class<?> type) {
            return Arrays.stream(type.getRecordComponents())
                    .map(c -> new Component(c, JsonConfiguration.SNAKE_CASE.translateName(c.getName()))).toList();
        }
    };

    private JsonObject record(JsonObject json, Class<?> type, String prefix) {
        JsonObjectBuilder out = JSON.createObjectBuilder();
        for (Component each : COMPONENTS.get(type)) {
            RecordComponent component = each.component();
            String name = each.name();
            JsonValue value = json.get(name);
            if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
                continue;
            }
            JsonValue checked = component(value, component, prefix + name);
            if (checked != null) {
                out.add(name, checked);
            }
        }
        return out.build();
    }

    private JsonValue component(JsonValue value, RecordComponent component, String path) {
        Type type = component.getGenericType();
        if (component.isAnnotationPresent(OneOrMany.class) && !(value instanceof JsonArray)) {
            Type item = ((ParameterizedType) type).getActualTypeArguments()[0];
            if (value instanceof JsonObject || value(value, item, path) == null) {
                dropErrorsUnder(path);
                return fail(path, "must be " + describe(item) + " or an array of them");
            }
            value = JSON.createArrayBuilder().add(value).build();
        }
        if (component.isAnnotationPresent(OneOrMany.class) && ((JsonArray) value).size() == 1) {
            singletonLists.add(path);
        }
        if (component.isAnnotationPresent(TextValues.class)) {
            return textValues(value, path);
        }
        return value(value, type, path);
    }

    /** The checked value, or null when it is wrong (and recorded as such). */
    private JsonValue value(JsonValue value, Type type, String path) {
        if (type instanceof ParameterizedType generic) {
            Class<?> raw = (Class<?>) generic.getRawType();
            Type[] arguments = generic.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                return list(value, arguments[0], path);
            }
            return map(value, arguments[1], path);
        }
        Class<?> c = (Class<?>) type;
        if (c == Object.class) {
            return value;
        }
        if (c == String.class) {
            return value instanceof JsonString ? value : fail(path, "must be a string");
        }
        if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
            BigInteger n = integer(value);
            boolean isInt = c == Integer.class || c == int.class;
            if (n == null || n.bitLength() > (isInt ? 31 : 63)) {
                return fail(path, "must be an integer");
            }
            return JSON.createValue(n);
        }
        if (c == Boolean.class || c == boolean.class) {
            return value == JsonValue.TRUE || value == JsonValue.FALSE ? value : fail(path, "must be true or false");
        }
        if (c.isEnum()) {
            return enumValue(value, c, path);
        }
        if (c == Instant.class) {
            return instant(value, path);
        }
        if (c.isRecord()) {
            return value instanceof JsonObject object ? record(object, c, path + ".") : fail(path, "must be an object");
        }
        throw new IllegalArgumentException("no JSON type check for " + type + " at " + path);
    }

    private JsonValue list(JsonValue value, Type item, String path) {
        if (!(value instanceof JsonArray array)) {
            return fail(path, "must be an array");
        }
        JsonArrayBuilder out = JSON.createArrayBuilder();
        boolean ok = true;
        for (int i = 0; i < array.size(); i++) {
            JsonValue checked = array.isNull(i) ? fail(path + "[" + i + "]", "must be " + describe(item))
                    : value(array.get(i), item, path + "[" + i + "]");
            ok &= checked != null;
            if (checked != null) {
                out.add(checked);
            }
        }
        // A list with a wrong entry is left out whole, so no later rule sees shifted indexes.
        return ok ? out.build() : null;
    }

    private JsonValue map(JsonValue value, Type valueType, String path) {
        if (!(value instanceof JsonObject object)) {
            return fail(path, "must be an object");
        }
        JsonObjectBuilder out = JSON.createObjectBuilder();
        object.forEach((key, v) -> {
            JsonValue checked = v.getValueType() == JsonValue.ValueType.NULL
                    ? fail(path + "." + key, "must be " + describe(valueType)) : value(v, valueType, path + "." + key);
            if (checked != null) {
                out.add(key, checked);
            }
        });
        return out.build();
    }

    private JsonValue textValues(JsonValue value, String path) {
        if (!(value instanceof JsonObject object)) {
            return fail(path, "must be an object of names to values");
        }
        JsonObjectBuilder out = JSON.createObjectBuilder();
        object.forEach((key, v) -> {
            switch (v.getValueType()) {
                case STRING -> out.add(key, v);
                case NUMBER, TRUE, FALSE -> out.add(key, v.toString());
                case NULL -> out.add(key, "");
                default -> fail(path + "." + key, "must be a string, number or boolean");
            }
        });
        return out.build();
    }

    private static BigInteger integer(JsonValue value) {
        if (value instanceof JsonNumber n && n.isIntegral()) {
            BigInteger big = n.bigIntegerValue();
            return big.compareTo(LONG_MIN) >= 0 && big.compareTo(LONG_MAX) <= 0 ? big : null;
        }
        if (value instanceof JsonString s && INTEGER.matcher(s.getString().strip()).matches()) {
            return new BigInteger(s.getString().strip());
        }
        return null;
    }

    private JsonValue enumValue(JsonValue value, Class<?> type, String path) {
        if (value instanceof JsonString s) {
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equalsIgnoreCase(s.getString().strip())) {
                    return JSON.createValue(((Enum<?>) constant).name());
                }
            }
        }
        return fail(path, "must be one of " + Arrays.stream(type.getEnumConstants())
                .map(e -> ((Enum<?>) e).name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }

    /** ISO-8601 with an offset or Z; a time without a zone is ambiguous and refused. */
    private JsonValue instant(JsonValue value, String path) {
        if (value instanceof JsonString s) {
            try {
                return JSON.createValue(OffsetDateTime.parse(s.getString().strip()).toInstant().toString());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        return fail(path, "must be an ISO-8601 date-time with a zone offset, such as 2030-01-31T09:00:00Z");
    }

    private static String describe(Type type) {
        if (type == String.class) {
            return "a string";
        }
        if (type instanceof Class<?> c && c.isRecord()) {
            return "an object";
        }
        return "a value of the right type";
    }

    private void dropErrorsUnder(String path) {
        errors.removeIf(e -> e.field().startsWith(path));
    }

    private JsonValue fail(String path, String message) {
        errors.add(new FieldError(path, message));
        return null;
    }
}
