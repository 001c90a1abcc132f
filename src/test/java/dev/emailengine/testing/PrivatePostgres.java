package dev.emailengine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own (initdb in a directory under /tmp, on a free loopback
 * port, trust authentication), for tests that must stop the database and start it again: the
 * machine's shared server (which {@link TestDatabase} uses) is never stopped. The binaries are the
 * server's own ({@code pg_config --bindir}, else the newest {@code /usr/lib/postgresql/N/bin});
 * PostgreSQL refuses to run as root, so as root (as CI is) every command runs as the
 * {@code postgres} OS user, who owns the directory.
 */
public final class PrivatePostgres implements AutoCloseable {

    private static final long COMMAND_SECONDS = 120;

    private final Path bin;
    private final Path dir;
    private final int port;
    private boolean running;

    private PrivatePostgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** A new cluster, initialised and running; {@link #close()} stops it and removes its files. */
    public static PrivatePostgres start() throws IOException, InterruptedException {
        Path bin = binaries();
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "emailengine-pg-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        var postgres = new PrivatePostgres(bin, dir, FreePorts.any());
        try {
            if (runningAsRoot()) {
                run(List.of("chown", "postgres:postgres", dir.toString()));
            }
            postgres.pg("initdb", "-D", postgres.data(), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                    "--locale=C", "--no-sync");
            postgres.launch();
        } catch (IOException | RuntimeException | InterruptedException e) {
            postgres.close();
            throw e;
        }
        return postgres;
    }

    /** Starts the server again on the same data directory and port (after {@link #stop()}). */
    public void startAgain() throws IOException, InterruptedException {
        launch();
    }

    private void launch() throws IOException, InterruptedException {
        pg("pg_ctl", "-D", data(), "-l", dir.resolve("postgres.log").toString(), "-w", "-t", "60", "-o",
                "-c listen_addresses=127.0.0.1 -c port=" + port + " -c unix_socket_directories=" + dir
                        + " -c fsync=on -c max_connections=200",
                "start");
        running = true;
    }

    /** Stops the server as an operator would for maintenance: open sessions are cut ({@code -m fast}). */
    public void stop() throws IOException, InterruptedException {
        pg("pg_ctl", "-D", data(), "-m", "fast", "-w", "-t", "60", "stop");
        running = false;
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of the cluster's {@code postgres} database (user {@code postgres}, no password). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** The settings that point a server's jdbc/emailengine at this cluster (DB_URL, DB_USER). */
    public Map<String, String> serverSettings() {
        return Map.of("DB_URL", jdbcUrl(), "DB_USER", "postgres");
    }

    /** The server's log so far, for failure messages. */
    public String log() {
        try {
            Path log = dir.resolve("postgres.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (running) {
                pg("pg_ctl", "-D", data(), "-m", "immediate", "-w", "-t", "60", "stop");
                running = false;
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private void pg(String program, String... args) throws IOException, InterruptedException {
        var command = new ArrayList<String>();
        if (runningAsRoot()) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        try {
            run(command);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\nserver log:\n" + log(), e);
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).directory(new java.io.File("/tmp"))
                .start();
        // pg_ctl start leaves the server running with our pipe inherited unless its output goes to -l.
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + COMMAND_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue() + ":\n"
                    + new String(output));
        }
    }

    private static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Where initdb, pg_ctl and postgres are; a clear failure when the server is not installed. */
    private static Path binaries() {
        var candidates = new ArrayList<Path>();
        try {
            Process pgConfig = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
            String out = new String(pgConfig.getInputStream().readAllBytes()).strip();
            if (pgConfig.waitFor(30, TimeUnit.SECONDS) && pgConfig.exitValue() == 0 && !out.isEmpty()) {
                candidates.add(Path.of(out));
            }
        } catch (IOException e) {
            // no pg_config on the PATH: look where Debian installs the server
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            versions.map(v -> v.resolve("bin"))
                    .sorted(Comparator.comparing((Path b) -> versionOf(b.getParent())).reversed())
                    .forEach(candidates::add);
        } catch (IOException | UncheckedIOException e) {
            // not installed there either
        }
        return candidates.stream().filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                .findFirst().orElseThrow(() -> new IllegalStateException("this test starts and stops a PostgreSQL server"
                        + " of its own and needs the server binaries (initdb, pg_ctl): none in " + candidates
                        + "; install PostgreSQL (apt-get install postgresql; .ci/run does so when it is missing)"));
    }

    private static int versionOf(Path versionDir) {
        try {
            return Integer.parseInt(versionDir.getFileName().toString().replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
