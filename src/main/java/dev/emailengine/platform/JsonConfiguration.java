package dev.emailengine.platform;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/** Every JSON body the API reads or writes uses snake_case field names, as the original service did. */
@Provider
public class JsonConfiguration implements ContextResolver<Jsonb> {

    /**
     * The JSON-P provider, looked up once: each static {@code Json.createXxx} call searches the
     * class path for a provider again, which profiling showed costing more than the rest of a
     * request.
     */
    public static final JsonProvider JSON = JsonProvider.provider();

    /**
     * camelCase to snake_case, as JSON-B's LOWER_CASE_WITH_UNDERSCORES does; our own so that the
     * request type check names fields exactly as the binding does.
     */
    public static final PropertyNamingStrategy SNAKE_CASE = JsonConfiguration::snakeCase;

    private final Jsonb jsonb = snakeCase();

    /** For JSON the application writes itself and must match what the API answers byte for byte. */
    public static Jsonb snakeCase() {
        return JsonbBuilder.create(new JsonbConfig().withPropertyNamingStrategy(SNAKE_CASE));
    }

    static String snakeCase(String name) {
        var result = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && result.charAt(result.length() - 1) != '_') {
                    result.append('_');
                }
                result.append(Character.toLowerCase(c));
            } else {
                result.append(c);
            }
        }
        return result.toString();
    }

    @Override
    public Jsonb getContext(Class<?> type) {
        return jsonb;
    }
}
