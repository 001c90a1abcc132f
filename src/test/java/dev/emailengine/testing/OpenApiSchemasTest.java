package dev.emailengine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema check ApiContractIT relies on does find what does not match. */
class OpenApiSchemasTest {

    private final OpenApiSchemas schemas = OpenApiSchemas.of("""
            openapi: 3.0.3
            info: {title: t, version: "1"}
            paths: {}
            components:
              schemas:
                Worker:
                  type: object
                  required: [worker_id]
                  properties:
                    worker_id: {type: string}
                    current_batch: {type: string, nullable: true}
                Pool:
                  type: object
                  properties:
                    workers: {type: array, items: {$ref: "#/components/schemas/Worker"}}
            """);

    @Test
    void aMatchingBodyPassesAndAWrongTypeOrAMissingFieldIsFoundThroughReferences() {
        assertEquals(List.of(), schemas.problems("Pool", "{\"workers\":[{\"worker_id\":\"w-1\",\"current_batch\":null}]}"));
        assertFalse(schemas.problems("Pool", "{\"workers\":[{\"worker_id\":1}]}").isEmpty());
        assertFalse(schemas.problems("Pool", "{\"workers\":[{\"current_batch\":\"b\"}]}").isEmpty());
    }
}
