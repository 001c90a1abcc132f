package dev.emailengine.docs.control;

import dev.emailengine.emails.entity.MailAddress;
import dev.emailengine.platform.JsonConfiguration;
import dev.emailengine.platform.OneOrMany;
import dev.emailengine.platform.SingleLine;
import dev.emailengine.platform.TextValues;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.validation.groups.Default;
import java.io.StringReader;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

/**
 * One OpenAPI schema per record, by reflection, so the document cannot drift from what JSON-B
 * binds: properties under the names JSON-B uses ({@link JsonConfiguration#SNAKE_CASE}), types from
 * the component types, rules from the Bean Validation constraints the server checks, descriptions
 * and examples from {@code @Schema}. A nested record becomes a component of its own, by $ref.
 */
final class RecordSchemas {

    /** No control character but tab: what {@link SingleLine} accepts, as an ECMA-262 pattern. */
    static final String SINGLE_LINE = "^[^\\u0000-\\u0008\\u000A-\\u001F\\u007F-\\u009F]*$";

    private static final String TEXT_VALUES =
            "Values are strings, or numbers and booleans taken as their JSON text; null is taken as empty.";
    private static final Class<org.eclipse.microprofile.openapi.annotations.media.Schema> DOC =
            org.eclipse.microprofile.openapi.annotations.media.Schema.class;
    private static final String PREFIX = "#/components/schemas/";

    /**
     * How a record is used. A request's constraints in the groups it is validated with become
     * rules. JSON-B leaves a null out of a response, so there only what is never null (primitives)
     * or written even when null ({@code @JsonbNillable}) is required.
     */
    record Use(boolean request, Set<Class<?>> groups) {

        static final Use RESPONSE = new Use(false, Set.of(Default.class));

        static Use read(Class<?>... groups) {
            var all = new LinkedHashSet<Class<?>>(List.of(groups));
            all.add(Default.class);
            return new Use(true, all);
        }
    }

    private enum Kind { STRING, ARRAY, OBJECT, OTHER }

    private final Map<String, Schema> components = new TreeMap<>();
    private final Map<Class<?>, String> names = new HashMap<>();

    Map<String, Schema> components() {
        return components;
    }

    /** The records described so far, nested ones included. */
    Set<Class<?>> types() {
        return names.keySet();
    }

    /**
     * Adds the schema of {@code type} (and of the records it nests) and returns its name. The
     * properties of {@code readAlongWith} come first, for a record bound from the same JSON object
     * as others; a component of {@code type} hidden with {@code @Schema(hidden = true)} removes
     * theirs of the same name.
     */
    String add(Class<?> type, Use use, Class<?>... readAlongWith) {
        String known = names.get(type);
        if (known != null) {
            return known;
        }
        var doc = type.getAnnotation(DOC);
        String name = doc != null && !doc.name().isEmpty() ? doc.name()
                : type.getEnclosingClass() != null && type.getEnclosingClass().isRecord()
                        ? type.getEnclosingClass().getSimpleName() + type.getSimpleName() : type.getSimpleName();
        if (components.containsKey(name)) {
            throw new IllegalStateException("two records are both named " + name + " in /openapi");
        }
        names.put(type, name);
        Schema schema = SchemaTypes.of(SchemaType.OBJECT);
        components.put(name, schema);
        var properties = new LinkedHashMap<String, Schema>();
        var required = new ArrayList<String>();
        for (Class<?> other : readAlongWith) {
            addProperties(other, use, properties, required);
        }
        addProperties(type, use, properties, required);
        schema.setProperties(properties);
        if (!required.isEmpty()) {
            schema.setRequired(required);
        }
        if (doc != null) {
            describe(schema, doc, false);
        }
        return name;
    }

    private void addProperties(Class<?> type, Use use, Map<String, Schema> properties, List<String> required) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type + " is not a record");
        }
        for (RecordComponent component : type.getRecordComponents()) {
            var annotations = annotations(component);
            JsonbProperty renamed = (JsonbProperty) annotations.get(JsonbProperty.class);
            String name = renamed != null ? renamed.value() : JsonConfiguration.SNAKE_CASE.translateName(component.getName());
            properties.remove(name);
            required.remove(name);
            var doc = (org.eclipse.microprofile.openapi.annotations.media.Schema) annotations.get(DOC);
            if (doc != null && doc.hidden()) {
                continue;
            }
            properties.put(name, property(component, annotations, doc, use));
            boolean nillable = annotations.containsKey(JsonbNillable.class);
            boolean present = use.request() ? active(annotations.values(), use, NotNull.class, NotBlank.class, NotEmpty.class)
                    : component.getType().isPrimitive() || nillable || active(annotations.values(), use, NotNull.class);
            if (present || doc != null && doc.required()) {
                required.add(name);
            }
        }
    }

    private Schema property(RecordComponent component, Map<Class<?>, Annotation> annotations,
            org.eclipse.microprofile.openapi.annotations.media.Schema doc, Use use) {
        if (doc != null && !doc.ref().isEmpty()) {
            return OASFactory.createSchema().ref(PREFIX + doc.ref());
        }
        Schema schema = schema(component.getAnnotatedType(), use);
        if (schema.getRef() != null) {
            return schema;
        }
        rules(schema, kind(component.getType()), annotations.values(), use);
        if (annotations.containsKey(OneOrMany.class)) {
            // The client may send a single value where the list is expected.
            Schema one = schema(argument(component.getAnnotatedType(), 0), use);
            schema = OASFactory.createSchema().oneOf(List.of(one, schema));
        }
        if (doc != null) {
            Class<?> raw = component.getType();
            describe(schema, doc, raw == String.class || raw == Instant.class || raw.isEnum());
        }
        if (annotations.containsKey(TextValues.class)) {
            schema.description((schema.getDescription() == null ? "" : schema.getDescription() + " ") + TEXT_VALUES);
        }
        if (annotations.containsKey(JsonbNillable.class) || doc != null && doc.nullable()) {
            SchemaTypes.nullable(schema);
        }
        return schema;
    }

    private Schema schema(AnnotatedType annotated, Use use) {
        Class<?> raw = raw(annotated);
        Schema schema;
        if (raw == String.class) {
            schema = SchemaTypes.of(SchemaType.STRING);
        } else if (raw == int.class || raw == Integer.class) {
            schema = SchemaTypes.of(SchemaType.INTEGER).format("int32");
        } else if (raw == long.class || raw == Long.class) {
            schema = SchemaTypes.of(SchemaType.INTEGER).format("int64");
        } else if (raw == double.class || raw == Double.class) {
            schema = SchemaTypes.of(SchemaType.NUMBER).format("double");
        } else if (raw == boolean.class || raw == Boolean.class) {
            schema = SchemaTypes.of(SchemaType.BOOLEAN);
        } else if (raw == Instant.class) {
            schema = SchemaTypes.of(SchemaType.STRING).format("date-time");
        } else if (raw.isEnum()) {
            schema = SchemaTypes.of(SchemaType.STRING).enumeration(wireNames(raw, use));
        } else if (Collection.class.isAssignableFrom(raw)) {
            schema = SchemaTypes.of(SchemaType.ARRAY).items(schema(argument(annotated, 0), use));
            if (Set.class.isAssignableFrom(raw)) {
                schema.uniqueItems(true);
            }
        } else if (Map.class.isAssignableFrom(raw)) {
            schema = SchemaTypes.of(SchemaType.OBJECT).additionalPropertiesSchema(schema(argument(annotated, 1), use));
        } else if (raw.isRecord()) {
            return OASFactory.createSchema().ref(PREFIX + add(raw, use));
        } else {
            throw new IllegalArgumentException("no JSON schema for " + annotated.getType());
        }
        rules(schema, kind(raw), Arrays.asList(annotated.getAnnotations()), use);
        return schema;
    }

    /**
     * JSON-B writes an enum by name; a request's enum is read in any case (JsonTypeCheck) and
     * documented in lower case, as the original service's clients write it.
     */
    private static List<Object> wireNames(Class<?> type, Use use) {
        return Arrays.stream(type.getEnumConstants()).map(e -> ((Enum<?>) e).name())
                .map(name -> (Object) (use.request() ? name.toLowerCase(Locale.ROOT) : name)).toList();
    }

    private static void rules(Schema schema, Kind kind, Collection<Annotation> annotations, Use use) {
        for (Annotation a : annotations) {
            if (!active(a, use)) {
                continue;
            }
            if (a instanceof Size size) {
                if (size.min() > 0) {
                    switch (kind) {
                        case STRING -> schema.minLength(size.min());
                        case ARRAY -> schema.minItems(size.min());
                        case OBJECT -> schema.minProperties(size.min());
                        default -> throw new IllegalArgumentException("@Size on " + kind);
                    }
                }
                if (size.max() < Integer.MAX_VALUE) {
                    switch (kind) {
                        case STRING -> schema.maxLength(size.max());
                        case ARRAY -> schema.maxItems(size.max());
                        case OBJECT -> schema.maxProperties(size.max());
                        default -> throw new IllegalArgumentException("@Size on " + kind);
                    }
                }
            } else if (a instanceof NotEmpty || a instanceof NotBlank) {
                switch (kind) {
                    case STRING -> schema.minLength(Math.max(1, orZero(schema.getMinLength())));
                    case ARRAY -> schema.minItems(Math.max(1, orZero(schema.getMinItems())));
                    case OBJECT -> schema.minProperties(Math.max(1, orZero(schema.getMinProperties())));
                    default -> throw new IllegalArgumentException(a + " on " + kind);
                }
            } else if (a instanceof Min min) {
                schema.minimum(BigDecimal.valueOf(min.value()));
            } else if (a instanceof Max max) {
                schema.maximum(BigDecimal.valueOf(max.value()));
            } else if (a instanceof Pattern pattern) {
                schema.pattern(pattern.regexp());
            } else if (a instanceof Email) {
                schema.format("email");
            } else if (a instanceof MailAddress) {
                schema.format("email").maxLength(MailAddress.MAX_LENGTH);
            } else if (a instanceof SingleLine) {
                schema.pattern(SINGLE_LINE);
            } else if (a instanceof TextValues) {
                schema.additionalPropertiesSchema(OASFactory.createSchema().oneOf(List.of(SchemaTypes.of(SchemaType.STRING),
                        SchemaTypes.of(SchemaType.NUMBER), SchemaTypes.of(SchemaType.BOOLEAN))));
            }
        }
    }

    private static void describe(Schema schema, org.eclipse.microprofile.openapi.annotations.media.Schema doc,
            boolean textual) {
        if (!doc.description().isEmpty()) {
            schema.description(doc.description());
        }
        if (!doc.example().isEmpty()) {
            schema.example(value(doc.example(), textual));
        }
        if (!doc.defaultValue().isEmpty()) {
            schema.defaultValue(value(doc.defaultValue(), textual));
        }
        if (!doc.format().isEmpty()) {
            schema.format(doc.format());
        }
        if (!doc.pattern().isEmpty()) {
            schema.pattern(doc.pattern());
        }
        if (doc.enumeration().length > 0) {
            schema.enumeration(List.of((Object[]) doc.enumeration()));
        }
    }

    /** An example or default as the JSON value it stands for: text for a string, else parsed. */
    private static Object value(String text, boolean textual) {
        if (textual) {
            return text;
        }
        try (var reader = JsonConfiguration.JSON.createReader(new StringReader(text))) {
            return plain(reader.readValue());
        } catch (RuntimeException e) {
            return text;
        }
    }

    private static Object plain(JsonValue value) {
        return switch (value.getValueType()) {
            case OBJECT -> {
                var map = new LinkedHashMap<String, Object>();
                ((JsonObject) value).forEach((k, v) -> map.put(k, plain(v)));
                yield map;
            }
            case ARRAY -> ((JsonArray) value).stream().map(RecordSchemas::plain).toList();
            case STRING -> ((JsonString) value).getString();
            case NUMBER -> ((JsonNumber) value).bigDecimalValue();
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case NULL -> null;
        };
    }

    /**
     * Everything said about a component: on the component itself, and what Java carried over to
     * its accessor (Bean Validation constraints, which do not target record components) and type.
     */
    private static Map<Class<?>, Annotation> annotations(RecordComponent component) {
        var all = new LinkedHashMap<Class<?>, Annotation>();
        Stream.of(component.getAnnotations(), component.getAccessor().getAnnotations(),
                component.getAnnotatedType().getAnnotations()).flatMap(Arrays::stream)
                .forEach(a -> all.putIfAbsent(a.annotationType(), a));
        return all;
    }

    @SafeVarargs
    private static boolean active(Collection<Annotation> annotations, Use use, Class<? extends Annotation>... types) {
        return annotations.stream().anyMatch(a -> Arrays.asList(types).contains(a.annotationType()) && active(a, use));
    }

    /** A Bean Validation constraint counts in the groups the record is validated with; others always. */
    private static boolean active(Annotation annotation, Use use) {
        try {
            Class<?>[] groups = (Class<?>[]) annotation.annotationType().getMethod("groups").invoke(annotation);
            return groups.length == 0 ? use.groups().contains(Default.class)
                    : Arrays.stream(groups).anyMatch(use.groups()::contains);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Kind kind(Class<?> type) {
        return type == String.class ? Kind.STRING : Collection.class.isAssignableFrom(type) ? Kind.ARRAY
                : Map.class.isAssignableFrom(type) ? Kind.OBJECT : Kind.OTHER;
    }

    private static Class<?> raw(AnnotatedType annotated) {
        var type = annotated.getType();
        return (Class<?>) (type instanceof ParameterizedType parameterized ? parameterized.getRawType() : type);
    }

    private static AnnotatedType argument(AnnotatedType annotated, int index) {
        if (annotated instanceof AnnotatedParameterizedType parameterized) {
            return parameterized.getAnnotatedActualTypeArguments()[index];
        }
        throw new IllegalArgumentException("no element type in " + annotated.getType());
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
