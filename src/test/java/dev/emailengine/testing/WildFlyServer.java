package dev.emailengine.testing;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WildFly from {@code it.wildfly.home}: server-config/wildfly/*.cli applied offline to a copy of
 * its {@code standalone/} directory (configure.cli also adds the PostgreSQL driver module to the
 * runtime's own {@code modules/}, the one change made to the unpacked runtime), the WAR dropped into its deployments, {@code standalone.sh}
 * in the foreground, and {@code jboss-cli.sh :shutdown} to stop it.
 */
public final class WildFlyServer extends AppServer {

    private static final int HTTP = 8080;
    private static final int MANAGEMENT = 9990;

    private final Path home = Path.of(System.getProperty("it.wildfly.home"));
    private final Path base = work.resolve("standalone");
    private int offset;

    public WildFlyServer() throws IOException {
        super("wildfly");
    }

    @Override
    public void start(Map<String, String> settings) throws Exception {
        // Every socket of standalone.xml moves by the same offset; these are the ones it binds.
        offset = FreePorts.blockFor(HTTP, 8443, MANAGEMENT, 9993, 4712, 4713);
        var env = new HashMap<>(settings);
        env.put("LAUNCH_JBOSS_IN_BACKGROUND", "1"); // standalone.sh passes SIGTERM on to the JVM
        settings(env);
        copyTree(home.resolve("standalone"), base);
        // configure.cli installs the driver module into the runtime's modules/ and keeps one that
        // exists: removed first, so every run installs the driver this build copied.
        deleteTree(home.resolve("modules/org/postgresql"));
        cli("--file=" + Path.of("server-config/wildfly/configure.cli").toAbsolutePath());
        if (settings.containsKey("PASSWORD")) {
            cli("--file=" + Path.of("server-config/wildfly/smtp-auth.cli").toAbsolutePath());
        }
        Files.copy(WAR, base.resolve("deployments").resolve(WAR.getFileName()));
        foreground = launch(work, home.resolve("bin/standalone.sh").toString(), "-c", "standalone.xml",
                "-b", "127.0.0.1", "-bmanagement", "127.0.0.1", "-Djboss.server.base.dir=" + base,
                "-Djboss.socket.binding.port-offset=" + offset);
        awaitApplication(foreground, () -> Files.exists(base.resolve("deployments/email-engine.war.failed")));
    }

    private void cli(String... arguments) throws Exception {
        var command = new ArrayList<String>();
        command.add(home.resolve("bin/jboss-cli.sh").toString());
        command.add("-Djboss.server.base.dir=" + base);
        command.addAll(List.of(arguments));
        // From the checkout's root, as docs/deploy.md runs it: configure.cli names target/postgresql.jar.
        run(Path.of("").toAbsolutePath(), command.toArray(String[]::new));
    }

    /** MicroProfile Health and WildFly's own metrics live on the management interface. */
    public URL managementUrl() {
        return localUrl(offset + MANAGEMENT);
    }

    @Override
    public URL url() {
        return localUrl(offset + HTTP);
    }

    @Override
    protected void stopCommand() throws Exception {
        cli("--connect", "--controller=127.0.0.1:" + (offset + MANAGEMENT), "command=:shutdown");
    }

    @Override
    protected String stoppedMessage() {
        return "WFLYSRV0050";
    }

    @Override
    protected int[] ports() {
        return new int[] {offset + HTTP, offset + MANAGEMENT};
    }

    @Override
    public Path serverLog() {
        return base.resolve("log/server.log");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Files.copy(source, to.resolve(from.relativize(source).toString()));
            }
        }
    }
}
