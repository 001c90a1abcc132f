package dev.emailengine.testing;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Payara Server from {@code it.payara.home}: a domain of its own ({@code --domaindir} under
 * target/), server-config/payara/configure-server.sh run against it, a restart, {@code asadmin
 * deploy}, and {@code asadmin stop-domain} to stop it.
 */
public final class PayaraServer extends AppServer {

    private static final String DOMAIN = "emailengine";

    private final Path home = Path.of(System.getProperty("it.payara.home"));
    private final Path domains = work.resolve("domains");
    private int portBase;

    public PayaraServer() throws IOException {
        super("payara-server");
    }

    @Override
    public void start(Map<String, String> settings) throws Exception {
        // create-domain --portbase: admin +48, HTTP +80, HTTPS +81, IIOP +37..39, JMS +76, JMX +86,
        // OSGi shell +66, debugger +9, Hazelcast +49 and +59.
        portBase = FreePorts.blockFor(48, 80, 81, 37, 38, 39, 76, 86, 66, 9, 49, 59);
        var env = new HashMap<>(settings);
        env.put("PAYARA_HOME", home.toString());
        env.put("HTTP_PORT", String.valueOf(portBase + 80));
        settings(env);
        asadmin("--user", "admin", "create-domain", "--nopassword=true", "--portbase", String.valueOf(portBase),
                "--domaindir", domains.toString(), DOMAIN);
        startDomain();
        run(work, Path.of("server-config/payara/configure-server.sh").toAbsolutePath().toString(),
                "--port", String.valueOf(portBase + 48));
        // Stopped and started by name: a remote restart-domain relaunches with the client's own
        // arguments, which would name the runtime's default domain1 instead of this one.
        stopCommand();
        startDomain();
        asadmin("--port", String.valueOf(portBase + 48), "deploy", WAR.toAbsolutePath().toString());
        awaitApplication(null, () -> false);
    }

    private void startDomain() throws Exception {
        asadmin("start-domain", "--domaindir", domains.toString(), DOMAIN);
    }

    private void asadmin(String... arguments) throws Exception {
        var command = new ArrayList<String>();
        command.add(home.resolve("bin/asadmin").toString());
        command.addAll(List.of(arguments));
        run(work, command.toArray(String[]::new));
    }

    @Override
    public URL url() {
        return localUrl(portBase + 80);
    }

    @Override
    protected void stopCommand() throws Exception {
        asadmin("stop-domain", "--domaindir", domains.toString(), DOMAIN);
    }

    @Override
    protected String stoppedMessage() {
        return "Server shutdown initiated";
    }

    @Override
    protected int[] ports() {
        return new int[] {portBase + 80, portBase + 48};
    }

    /** The domain's JVM, from the pid file Payara keeps while it runs. */
    @Override
    protected ProcessHandle jvm() throws IOException {
        return das().orElseThrow(() -> new AssertionError("Payara Server is not running"));
    }

    private Optional<ProcessHandle> das() throws IOException {
        Path pid = domains.resolve(DOMAIN).resolve("config/pid");
        return Files.exists(pid) ? ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())) : Optional.empty();
    }

    @Override
    public Path serverLog() {
        return domains.resolve(DOMAIN).resolve("logs/server.log");
    }

    /** start-domain returns once the domain runs on its own: it is not a child of this JVM. */
    @Override
    protected void forceStop() throws IOException {
        das().filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
    }
}
