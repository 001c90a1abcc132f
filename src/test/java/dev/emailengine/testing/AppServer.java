package dev.emailengine.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A full application server from {@code target/runtimes/}, configured from {@code server-config/}
 * the way docs/deploy.md tells an operator to, with the built WAR deployed. Each server works in its
 * own directory under {@code target/}, so the unpacked runtime is never modified and a second run
 * starts from the same clean state.
 *
 * <p>Everything the server runs gets the given settings as its environment, and nothing of the
 * test JVM's own environment except PATH, JAVA_HOME, HOME and LANG.
 */
public abstract class AppServer implements AutoCloseable {

    protected static final Duration COMMAND_DEADLINE = Duration.ofMinutes(3);
    protected static final Path WAR = Path.of("target", "email-engine.war");

    protected final Path work;
    protected final Path log;
    private final List<Process> started = new ArrayList<>();
    /** The server's launcher, when it runs in the foreground as this test's child process. */
    protected Process foreground;
    private Map<String, String> settings = Map.of();

    protected AppServer(String name) throws IOException {
        this.work = Path.of("target", "servers", name).toAbsolutePath();
        deleteRecursively(work);
        Files.createDirectories(work);
        this.log = work.resolve("commands.log");
    }

    /** Applies server-config/, deploys the WAR and starts; returns once the application answers. */
    public abstract void start(Map<String, String> settings) throws Exception;

    /** Base URL of the application. */
    public abstract URL url();

    /**
     * Stops the server the way its documentation says, and fails unless it stopped cleanly: the
     * stop command succeeded, the server's JVM exited (with 0, where it is this test's child),
     * its log says it stopped, and nothing listens on its ports any more.
     */
    public final void stop() throws Exception {
        ProcessHandle jvm = jvm();
        stopCommand();
        try {
            jvm.onExit().get(90, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(getClass().getSimpleName() + " still runs 90 s after its stop command");
        }
        if (foreground != null && (!foreground.waitFor(30, TimeUnit.SECONDS) || foreground.exitValue() != 0)) {
            throw new AssertionError("The server's launcher did not exit with 0; see " + serverLog());
        }
        if (!serverLogText().contains(stoppedMessage())) {
            throw new AssertionError("The server's log does not say it stopped (" + stoppedMessage() + "); see " + serverLog());
        }
        for (int port : ports()) {
            if (FreePorts.listening(port)) {
                throw new AssertionError("Something still listens on port " + port + " after the stop");
            }
        }
    }

    /** The documented stop command; must exit with 0. */
    protected abstract void stopCommand() throws Exception;

    /** What the server logs when it has stopped. */
    protected abstract String stoppedMessage();

    /** The ports the server listened on. */
    protected abstract int[] ports();

    /** Where to look when something failed. */
    public abstract Path serverLog();

    /** The server's JVM; by default the java process of the foreground launcher. */
    protected ProcessHandle jvm() throws IOException {
        return javaIn(foreground);
    }

    /** An attribute of an MBean in the server's JVM, read from outside as JConsole would. */
    public final Object mbeanAttribute(String objectName, String attribute) throws Exception {
        return Jmx.attribute(jvm().pid(), objectName, attribute);
    }

    /** The java process among a launcher script and its children. */
    protected static ProcessHandle javaIn(Process launcher) {
        return Stream.concat(Stream.of(launcher.toHandle()), launcher.descendants())
                .filter(handle -> handle.info().command().orElse("").endsWith("/java"))
                .findFirst().orElseThrow(() -> new AssertionError("no java process under " + launcher.pid()));
    }

    protected final void settings(Map<String, String> settings) {
        this.settings = Map.copyOf(settings);
    }

    /** Runs a command to completion and fails unless it exits with 0; output goes to commands.log. */
    protected final void run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = launch(dir, command);
        if (!process.waitFor(COMMAND_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            destroyTree(process);
            throw new AssertionError(String.join(" ", command) + " did not finish; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + process.exitValue() + "; see " + log);
        }
    }

    /** Starts a command in the background (a server in the foreground of its own process). */
    protected final Process launch(Path dir, String... command) throws IOException {
        Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().retainAll(Set.of("PATH", "JAVA_HOME", "HOME", "LANG"));
        env.putAll(settings);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    /**
     * Polls GET /health until the application answers 200, failing early when {@code failed}
     * finds the server's report of a failed deployment or the server exited.
     */
    protected final void awaitApplication(Process server, BooleanSupplier failed) {
        var api = new Api(url());
        await("the application on " + getClass().getSimpleName() + " to answer (see " + serverLog() + ")")
                .atMost(COMMAND_DEADLINE).pollInterval(Duration.ofMillis(250))
                .ignoreException(UncheckedIOException.class) // not listening yet
                .failFast("The deployment failed or the server exited; see " + serverLog(), () -> {
                    if (failed.getAsBoolean()) {
                        throw new AssertionError("The deployment failed; see " + serverLog());
                    }
                    if (server != null && !server.isAlive()) {
                        throw new AssertionError("The server exited with " + server.exitValue() + "; see " + serverLog());
                    }
                })
                .until(() -> api.get("health").status() == 200);
    }

    protected final String serverLogText() {
        try {
            return Files.exists(serverLog()) ? Files.readString(serverLog()) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected static URL localUrl(int port) {
        try {
            return new URL("http://127.0.0.1:" + port + "/");
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whatever is still running (a failed test): killed with every child, so nothing outlives the test. */
    @Override
    public void close() throws Exception {
        forceStop();
        for (Process process : started) {
            destroyTree(process);
        }
    }

    /** Kills a server started in the background by a command that has since exited, if any. */
    protected void forceStop() throws Exception {
        // A server in the foreground is a child process: close() kills it.
    }

    protected static void destroyTree(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
