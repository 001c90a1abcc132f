package dev.emailengine.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.OpenApi30;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The component schemas of a served OpenAPI 3.0 document, to check real responses against with
 * an independent JSON Schema validator (networknt, in its OpenAPI 3.0 dialect: nullable and
 * {@code #/components/schemas} references understood). Not our code judging our code.
 */
public final class OpenApiSchemas {

    private static final String DOCUMENT = "https://email-engine.test/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistry registry;

    private OpenApiSchemas(String documentJson) {
        registry = SchemaRegistry.withDefaultDialect(OpenApi30.getInstance(),
                builder -> builder.schemas(Map.of(DOCUMENT, documentJson)));
    }

    /** @param document the document as served (YAML or JSON) */
    public static OpenApiSchemas of(String document) {
        try {
            return new OpenApiSchemas(JSON.writeValueAsString(new ObjectMapper(new YAMLFactory()).readTree(document)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What in {@code json} does not match {@code #/components/schemas/<component>}; empty when all does. */
    public List<String> problems(String component, String json) {
        Schema schema = registry.getSchema(SchemaLocation.of(DOCUMENT + "#/components/schemas/" + component));
        try {
            return schema.validate(JSON.readTree(json)).stream().map(Error::toString).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
