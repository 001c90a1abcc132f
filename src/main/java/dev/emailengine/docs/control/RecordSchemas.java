package dev.emailengine.docs.control;

import dev.emailengine.platform.JsonConfiguration;
import dev.emailengine.platform.OneOrMany;
import dev.emailengine.platform.TextValues;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.groups.Default;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
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
            SchemaRules.describe(schema, doc, false);
        }
        return name;
    }

    private void addProperties(Class<?> type, Use use, Map<String, Schema> properties, List<String> required) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type + " is not a record");
        }
        for (RecordComponent component : type.getRecordComponents()) {
            var annotations = SchemaRules.annotations(component);
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
            boolean present = use.request() ? SchemaRules.active(annotations.values(), use.groups(), NotNull.class, NotBlank.class,
                    NotEmpty.class)
                    : component.getType().isPrimitive() || nillable || SchemaRules.active(annotations.values(), use.groups(), NotNull.class);
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
        SchemaRules.rules(schema, SchemaRules.kind(component.getType()), annotations.values(), use.groups());
        if (annotations.containsKey(OneOrMany.class)) {
            // The client may send a single value where the list is expected.
            Schema one = schema(argument(component.getAnnotatedType(), 0), use);
            schema = OASFactory.createSchema().oneOf(List.of(one, schema));
        }
        if (doc != null) {
            Class<?> raw = component.getType();
            SchemaRules.describe(schema, doc, raw == String.class || raw == Instant.class || raw.isEnum());
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
        SchemaRules.rules(schema, SchemaRules.kind(raw), Arrays.asList(annotated.getAnnotations()), use.groups());
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

}
