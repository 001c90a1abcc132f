package dev.emailengine.testing;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Open Liberty from {@code it.liberty.home}: a server created in its own user directory
 * ({@code WLP_USER_DIR}), server-config/liberty/server.xml, the PostgreSQL driver and the WAR copied in,
 * {@code server run} in the foreground and {@code server stop} to stop it.
 */
public final class LibertyServer extends AppServer {

    private static final String NAME = "emailengine";

    private final Path home = Path.of(System.getProperty("it.liberty.home"));
    private final Path serverDir = work.resolve("usr/servers").resolve(NAME);
    private int httpPort;
    private int adminPort;

    public LibertyServer() throws IOException {
        super("liberty");
    }

    @Override
    public void start(Map<String, String> settings) throws Exception {
        httpPort = FreePorts.any();
        adminPort = FreePorts.any();
        var env = new HashMap<>(settings);
        env.put("WLP_USER_DIR", work.resolve("usr").toString());
        env.put("HTTP_PORT", String.valueOf(httpPort));
        env.put("ADMIN_HTTP_PORT", String.valueOf(adminPort));
        settings(env);
        run(work, serverScript(), "create", NAME);
        Files.copy(Path.of("server-config/liberty/server.xml"), serverDir.resolve("server.xml"),
                StandardCopyOption.REPLACE_EXISTING);
        // The PostgreSQL driver, where server.xml's <library> looks for it.
        Files.createDirectories(serverDir.resolve("lib"));
        Files.copy(Path.of("target", "postgresql.jar"), serverDir.resolve("lib/postgresql.jar"));
        Files.createDirectories(serverDir.resolve("apps"));
        Files.copy(WAR, serverDir.resolve("apps").resolve(WAR.getFileName()));
        foreground = launch(work, serverScript(), "run", NAME);
        awaitApplication(foreground, () -> serverLogText().contains("CWWKZ0002E"));
    }

    private String serverScript() {
        return home.resolve("bin/server").toString();
    }

    /** Liberty's own endpoints (MicroProfile Health, Metrics, OpenAPI) are on the admin port. */
    public URL adminUrl() {
        return localUrl(adminPort);
    }

    @Override
    public URL url() {
        return localUrl(httpPort);
    }

    @Override
    protected void stopCommand() throws Exception {
        run(work, serverScript(), "stop", NAME);
    }

    @Override
    protected String stoppedMessage() {
        return "CWWKE0036I";
    }

    @Override
    protected int[] ports() {
        return new int[] {httpPort, adminPort};
    }

    @Override
    public Path serverLog() {
        return serverDir.resolve("logs/messages.log");
    }

}
