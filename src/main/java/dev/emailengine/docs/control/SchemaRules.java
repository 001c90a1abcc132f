package dev.emailengine.docs.control;

import dev.emailengine.emails.entity.MailAddress;
import dev.emailengine.platform.JsonConfiguration;
import dev.emailengine.platform.SingleLine;
import dev.emailengine.platform.TextValues;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.validation.groups.Default;
import java.io.StringReader;
import java.lang.annotation.Annotation;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

/**
 * What the annotations on a record component say about its schema: the Bean Validation
 * constraints the server checks (in the groups the record is validated with) as JSON Schema
 * keywords, our own constraints as the pattern or format they amount to, and {@code @Schema}'s
 * description, example, default, format, pattern and enumeration.
 */
final class SchemaRules {

    /** No control character but tab: what {@link SingleLine} accepts, as an ECMA-262 pattern. */
    static final String SINGLE_LINE = "^[^\\u0000-\\u0008\\u000A-\\u001F\\u007F-\\u009F]*$";


    /** What {@code @Size} and {@code @NotEmpty} measure: length, items or properties. */
    enum Kind { STRING, ARRAY, OBJECT, OTHER }

    private SchemaRules() {
    }

    static void rules(Schema schema, Kind kind, Collection<Annotation> annotations, Set<Class<?>> groups) {
        for (Annotation a : annotations) {
            if (!active(a, groups)) {
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

    static void describe(Schema schema, org.eclipse.microprofile.openapi.annotations.media.Schema doc,
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
            case ARRAY -> ((JsonArray) value).stream().map(SchemaRules::plain).toList();
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
    static Map<Class<?>, Annotation> annotations(RecordComponent component) {
        var all = new LinkedHashMap<Class<?>, Annotation>();
        Stream.of(component.getAnnotations(), component.getAccessor().getAnnotations(),
                component.getAnnotatedType().getAnnotations()).flatMap(Arrays::stream)
                .forEach(a -> all.putIfAbsent(a.annotationType(), a));
        return all;
    }

    @SafeVarargs
    static boolean active(Collection<Annotation> annotations, Set<Class<?>> groups, Class<? extends Annotation>... types) {
        return annotations.stream().anyMatch(a -> Arrays.asList(types).contains(a.annotationType()) && active(a, groups));
    }

    /** A Bean Validation constraint counts in the groups the record is validated with; others always. */
    static boolean active(Annotation annotation, Set<Class<?>> groups) {
        try {
            Class<?>[] declared = (Class<?>[]) annotation.annotationType().getMethod("groups").invoke(annotation);
            return declared.length == 0 ? groups.contains(Default.class)
                    : Arrays.stream(declared).anyMatch(groups::contains);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static Kind kind(Class<?> type) {
        return type == String.class ? Kind.STRING : Collection.class.isAssignableFrom(type) ? Kind.ARRAY
                : Map.class.isAssignableFrom(type) ? Kind.OBJECT : Kind.OTHER;
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
