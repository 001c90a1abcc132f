package dev.emailengine.docs.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Facts fixed at build time (Maven filters them into the WAR). */
@ApplicationScoped
public class BuildInfo {

    private final Properties properties = new Properties();

    public BuildInfo() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("/email-engine-build.properties")) {
            if (in == null) {
                throw new IllegalStateException("email-engine-build.properties is missing from the WAR");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String version() {
        return properties.getProperty("version");
    }

    public String swaggerUiVersion() {
        return properties.getProperty("swagger-ui.version");
    }
}
