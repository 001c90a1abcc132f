package dev.emailengine.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The built WAR on Payara Micro as a child process, started the way run.sh starts it, for tests
 * that must kill the server (SIGKILL) or restart it on the same data directory.
 */
public final class PayaraProcess implements AutoCloseable {

    private static final Duration START_DEADLINE = Duration.ofSeconds(240);

    private final Process process;
    private final int httpPort;
    private final Path log;

    private PayaraProcess(Process process, int httpPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    /**
     * @param env the service's settings (DATA_DIR, SMTP_SERVER, PORT, ...); nothing of the test
     *            JVM's own environment is passed on except PATH and JAVA_HOME
     */
    public static PayaraProcess start(String name, Map<String, String> env) throws IOException, InterruptedException {
        int port = FreePorts.any();
        Path log = Path.of("target", "payara-" + name + ".log");
        Path tmp = Files.createDirectories(Path.of("target", "payara-tmp-" + name));
        var builder = new ProcessBuilder("java", "-Xmx512m", "-Djava.io.tmpdir=" + tmp, "-jar",
                "target/payara-micro.jar", "--deploy", "target/email-engine.war", "--nohazelcast",
                "--port", String.valueOf(port), "--addlibs", "target/postgresql.jar",
                "--prebootcommandfile", "server-config/payara/pre-boot-commands.asadmin",
                "--postbootcommandfile", "server-config/payara/post-boot-commands.asadmin",
                "--postdeploycommandfile", "server-config/payara/post-deploy-commands.asadmin")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> childEnv = builder.environment();
        childEnv.keySet().retainAll(java.util.Set.of("PATH", "JAVA_HOME", "HOME", "LANG"));
        childEnv.put("SMTP_SSL_ENABLE", "false");
        childEnv.put("SMTP_STARTTLS_ENABLE", "false");
        childEnv.put("SMTP_AUTH", "false");
        childEnv.put("SENDER_EMAIL", "engine@emailengine.test");
        childEnv.putAll(env);
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        var payara = new PayaraProcess(builder.start(), port, log);
        try {
            await("Payara Micro to be ready (see " + log + ")").atMost(START_DEADLINE).pollInterval(Duration.ofMillis(200))
                    .failFast("Payara failed to deploy or exited; see " + log, () -> {
                        String output = newOutput(log, logStart);
                        if (output.contains("Exception while deploying")
                                || Pattern.compile("Boot Command \\S+ failed").matcher(output).find()) {
                            throw new AssertionError("Payara failed to deploy; see " + log);
                        }
                        if (!payara.process.isAlive()) {
                            throw new AssertionError("Payara exited with " + payara.process.exitValue() + "; see " + log);
                        }
                    })
                    .until(() -> newOutput(log, logStart).contains(" ready in "));
        } catch (RuntimeException | AssertionError e) {
            payara.kill();
            throw e;
        }
        return payara;
    }

    /** What the log gained since this start. */
    private static String newOutput(Path log, long from) throws IOException {
        return Files.readString(log).substring((int) from);
    }

    public URL url() {
        try {
            return new URL("http://127.0.0.1:" + httpPort + "/");
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads an attribute of an MBean in the server's JVM, as JConsole would: attaches to the
     * process, starts its local management agent and connects over JMX.
     */
    public Object mbeanAttribute(String objectName, String attribute) throws Exception {
        return Jmx.attribute(process.pid(), objectName, attribute);
    }

    public Api api() {
        return new Api(url());
    }

    /** SIGKILL: no shutdown hooks, no chance to finish anything. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    /** SIGTERM, as a service manager stops it. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
            throw new AssertionError("Payara did not stop within 60 s of SIGTERM; see " + log);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
