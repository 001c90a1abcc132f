package dev.emailengine.docs.control;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

/**
 * A schema's type and nullability on both MicroProfile OpenAPI model APIs the WAR meets: 3.x
 * (Payara 6, Liberty's mpOpenAPI-3.1) has one type and a {@code nullable} flag, 4.x (WildFly 39,
 * OpenAPI 3.1 documents) a list of types in which {@code NULL} stands for nullable, and neither
 * has the other's methods. They are looked up by name so that one WAR runs on both.
 */
final class SchemaTypes {

    private static final Method SET_TYPE = method("setType", SchemaType.class);
    private static final Method SET_NULLABLE = method("setNullable", Boolean.class);
    private static final Method ADD_TYPE = method("addType", SchemaType.class);

    private SchemaTypes() {
    }

    static Schema of(SchemaType type) {
        Schema schema = OASFactory.createSchema();
        invoke(SET_TYPE != null ? SET_TYPE : ADD_TYPE, schema, type);
        return schema;
    }

    /** Marks a typed schema as also accepting JSON null. */
    static Schema nullable(Schema schema) {
        if (SET_NULLABLE != null) {
            invoke(SET_NULLABLE, schema, Boolean.TRUE);
        } else {
            invoke(ADD_TYPE, schema, SchemaType.valueOf("NULL"));
        }
        return schema;
    }

    private static Method method(String name, Class<?> parameter) {
        try {
            return Schema.class.getMethod(name, parameter);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static void invoke(Method method, Schema schema, Object value) {
        if (method == null) {
            throw new IllegalStateException("unknown MicroProfile OpenAPI model: no setType/addType on Schema");
        }
        try {
            method.invoke(schema, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
