package dev.emailengine;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/** Every JSON body the API writes uses snake_case field names, as the original service did. */
@Provider
public class JsonConfiguration implements ContextResolver<Jsonb> {

    /**
     * The JSON-P provider, looked up once: each static {@code Json.createXxx} call searches the
     * class path for a provider again, which profiling showed costing more than the rest of a
     * request.
     */
    public static final JsonProvider JSON = JsonProvider.provider();

    private final Jsonb jsonb = snakeCase();

    /** For JSON the application writes itself and must match what the API answers byte for byte. */
    public static Jsonb snakeCase() {
        return JsonbBuilder.create(new JsonbConfig()
                .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));
    }

    @Override
    public Jsonb getContext(Class<?> type) {
        return jsonb;
    }
}
