package dev.emailengine.docs.entity;

import java.util.Map;

/** {@code GET /}, in the original service's shape. */
public record ServiceIndex(String name, String version, String description, Map<String, String> endpoints,
        String documentation) {
}
