package dev.emailengine;

import jakarta.json.spi.JsonProvider;

/**
 * Moved to {@link dev.emailengine.platform.JsonConfiguration}; this constant stays only until the
 * queue's JSON code imports it from there.
 */
@Deprecated(forRemoval = true)
public final class JsonConfiguration {

    public static final JsonProvider JSON = dev.emailengine.platform.JsonConfiguration.JSON;

    private JsonConfiguration() {
    }
}
