package dev.emailengine.testing;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * WildFly from {@code it.wildfly.home}: server-config/wildfly/*.cli applied offline to a copy of
 * its {@code standalone/} directory, the WAR dropped into its deployments, {@code standalone.sh}
 * in the foreground, and {@code jboss-cli.sh :shutdown} to stop it.
 */
public final class WildFlyServer extends AppServer {

    private static final int HTTP = 8080;
    private static final int MANAGEMENT = 9990;

    private final Path home = Path.of(System.getProperty("it.wildfly.home"));
    private final Path base = work.resolve("standalone");
    private int offset;
    private Process server;

    public WildFlyServer() throws IOException {
        super("wildfly");
    }

    @Override
    public void start(Map<String, String> settings) throws Exception {
        // Every socket of standalone.xml moves by the same offset; these are the ones it binds.
        offset = freePortBase(HTTP, 8443, MANAGEMENT, 9993, 4712, 4713);
        var env = new HashMap<>(settings);
        env.put("LAUNCH_JBOSS_IN_BACKGROUND", "1"); // standalone.sh passes SIGTERM on to the JVM
        settings(env);
        copyTree(home.resolve("standalone"), base);
        cli("--file=" + Path.of("server-config/wildfly/configure.cli").toAbsolutePath());
        if (settings.containsKey("PASSWORD")) {
            cli("--file=" + Path.of("server-config/wildfly/smtp-auth.cli").toAbsolutePath());
        }
        Files.copy(WAR, base.resolve("deployments").resolve(WAR.getFileName()));
        server = launch(work, home.resolve("bin/standalone.sh").toString(), "-c", "standalone.xml",
                "-b", "127.0.0.1", "-bmanagement", "127.0.0.1", "-Djboss.server.base.dir=" + base,
                "-Djboss.socket.binding.port-offset=" + offset);
        awaitApplication(server, () -> Files.exists(base.resolve("deployments/email-engine.war.failed")));
    }

    private void cli(String... arguments) throws Exception {
        var command = new java.util.ArrayList<String>();
        command.add(home.resolve("bin/jboss-cli.sh").toString());
        command.add("-Djboss.server.base.dir=" + base);
        command.addAll(java.util.List.of(arguments));
        run(work, command.toArray(String[]::new));
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
    public void stop() throws Exception {
        cli("--connect", "--controller=127.0.0.1:" + (offset + MANAGEMENT), "command=:shutdown");
        awaitExit(server.toHandle(), "WildFly");
        if (server.exitValue() != 0) {
            throw new AssertionError("standalone.sh exited with " + server.exitValue() + "; see " + serverLog());
        }
        if (!serverLogText().contains("WFLYSRV0050")) {
            throw new AssertionError("WildFly's log does not say it stopped (WFLYSRV0050); see " + serverLog());
        }
        if (listening(offset + HTTP)) {
            throw new AssertionError("Something still listens on WildFly's HTTP port");
        }
    }

    @Override
    protected ProcessHandle jvm() {
        return javaIn(server);
    }

    @Override
    public Path serverLog() {
        return base.resolve("log/server.log");
    }

    @Override
    protected void forceStop() {
        // standalone.sh and its JVM are this test's own child processes: AppServer.close() kills them.
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Files.copy(source, to.resolve(from.relativize(source).toString()));
            }
        }
    }
}
