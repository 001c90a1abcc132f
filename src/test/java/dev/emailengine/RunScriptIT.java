package dev.emailengine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.emailengine.dkim.control.DkimTestKeys;
import dev.emailengine.testing.Api;
import dev.emailengine.testing.DkimVerifier;
import dev.emailengine.testing.FreePorts;
import dev.emailengine.testing.TestDatabase;
import dev.emailengine.testing.TestSmtpServer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code ./run.sh} as a new user runs it: with no SMTP settings it must bring up the service and
 * an embedded GreenMail; with SMTP settings it must send there, over plain SMTP with a login or
 * over implicit TLS; and SIGTERM must stop everything it started. Every start also checks that no
 * client is answered 404 while the server deploys and that run.sh reports the service up only
 * once GET /health answers; the login run checks that nothing written is open to other users or
 * holds the SMTP password; a deployment that fails makes run.sh exit at once, not at its
 * start-up deadline; and with DKIM keys every message leaves signed (a key that cannot be read
 * is such a failed deployment).
 */
class RunScriptIT {

    private static final Duration START_DEADLINE = Duration.ofSeconds(240);
    /** Odd characters, and distinctive enough that finding it in a file is no accident. */
    private static final String PASSWORD = "s3cret:with=odd chars-7Qx2";
    private static final String README_EXAMPLE = """
            {"subject": "Welcome Email", "body": "Welcome to our service.",
             "to_email": "user@example.com", "format": "multipart"}""";

    @Test
    void withoutSmtpSettingsTheEmbeddedGreenMailCapturesTheReadmeExample() throws Exception {
        int httpPort = FreePorts.any();
        int apiPort = FreePorts.any();
        var env = new HashMap<String, String>();
        env.put("GREENMAIL_SMTP_PORT", String.valueOf(FreePorts.any()));
        env.put("GREENMAIL_API_PORT", String.valueOf(apiPort));
        try (var run = RunningScript.start("embedded", httpPort, env)) {
            // No API_KEYS: open on loopback, as the README's first command promises.
            Api.Reply reply = new Api(run.url()).withKey(null).post("email", README_EXAMPLE);
            assertEquals(200, reply.status(), reply.body());
            String id = reply.json().getString("request_id");

            JsonArray messages = awaitCapturedMail(new Api(new URL("http://127.0.0.1:" + apiPort + "/")));
            JsonObject message = messages.getJsonObject(0);
            assertEquals("Welcome Email", message.getString("subject"));
            assertTrue(message.getString("contentType").startsWith("multipart/alternative"));
            awaitLogLine(id + " sent");
            assertFalse(Files.readString(Path.of("logs", "email-engine.0.log")).contains("Welcome to our service."),
                    "message bodies are never logged");
            assertTrue(Files.readString(run.log).contains("the API is unauthenticated"), "run.sh warns without keys");

            run.stop();
            assertFalse(FreePorts.listening(httpPort), "Payara Micro still listens after SIGTERM");
            assertFalse(FreePorts.listening(apiPort), "GreenMail still listens after SIGTERM");
        }
    }

    @Test
    void withQueueStorePostgresqlTheQueueIsKeptInTheDatabaseItNames() throws Exception {
        int apiPort = FreePorts.any();
        try (var database = TestDatabase.create()) {
            var env = new HashMap<>(database.serverSettings());
            env.put("QUEUE_STORE", "postgresql");
            env.put("GREENMAIL_SMTP_PORT", String.valueOf(FreePorts.any()));
            env.put("GREENMAIL_API_PORT", String.valueOf(apiPort));
            try (var run = RunningScript.start("postgresql", FreePorts.any(), env)) {
                assertTrue(Files.readString(run.log).contains("QUEUE_STORE=postgresql: the queue is kept in "
                        + database.jdbcUrl()), "run.sh names the database it uses");
                assertTrue(Files.readString(run.log).contains("LISTEN/NOTIFY wake-ups are on"),
                        "Payara Micro lets the application reach the driver's LISTEN/NOTIFY API");
                Api.Reply reply = new Api(run.url()).withKey(null).post("email", README_EXAMPLE);
                assertEquals(200, reply.status(), reply.body());
                String id = reply.json().getString("request_id");

                assertEquals("Welcome Email", awaitCapturedMail(new Api(new URL("http://127.0.0.1:" + apiPort + "/")))
                        .getJsonObject(0).getString("subject"));
                new Api(run.url()).withKey(null).awaitState(id, "sent", Duration.ofSeconds(30));
                await("email " + id + " in finished_email").atMost(Duration.ofSeconds(10)).until(() -> database.finished(id));
                run.stop();
            }
        }
    }

    @Test
    void withQueueStorePostgresqlAndNoDatabaseRunShWarnsBeforeStarting() throws Exception {
        Path log = Path.of("target", "run-script-no-database.log");
        var builder = new ProcessBuilder("bash", "run.sh").redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        RunningScript.clearInherited(env);
        int closed = FreePorts.any();
        env.put("HTTP_PORT", String.valueOf(FreePorts.any()));
        env.put("DATA_DIR", Files.createTempDirectory(Path.of("target"), "run-script-data-").toString());
        env.put("GREENMAIL_SMTP_PORT", String.valueOf(FreePorts.any()));
        env.put("GREENMAIL_API_PORT", String.valueOf(FreePorts.any()));
        env.put("QUEUE_STORE", "postgresql");
        env.put("DB_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/emailengine?password=url-secret");
        Process process = builder.start();
        try {
            await("run.sh's warning about the database").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(log).contains("WARNING: no PostgreSQL accepts connections at 127.0.0.1:" + closed));
            String output = Files.readString(log);
            assertTrue(output.contains("the queue is kept in jdbc:postgresql://127.0.0.1:" + closed + "/emailengine?password=***"),
                    output);
            assertFalse(output.contains("url-secret"), "a password in DB_URL is never printed");
        } finally {
            process.destroy(); // SIGTERM: run.sh stops whatever it started
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "run.sh did not stop within 60 s of SIGTERM");
        }
    }

    @Test
    void withoutApiKeysItRefusesToListenBeyondLoopbackBeforeStartingAnything() throws Exception {
        Path log = Path.of("target", "run-script-open-bind.log");
        var builder = new ProcessBuilder("bash", "run.sh").redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("API_KEYS");
        builder.environment().put("HTTP_BIND_ADDRESS", "0.0.0.0");
        Process process = builder.start();

        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "run.sh should refuse at once");
        assertEquals(1, process.exitValue());
        assertTrue(Files.readString(log).contains("HTTP_BIND_ADDRESS=0.0.0.0 needs API_KEYS"), Files.readString(log));
    }

    @Test
    void aFailedDeploymentEndsRunShWithAnErrorLongBeforeItsDeadline() throws Exception {
        // A key under 16 characters passes run.sh and fails the application's deployment: the port
        // then never answers, so only the log can tell run.sh to give up.
        assertDeploymentFails("failed-deploy", Map.of("API_KEYS", "too-short"), "API_KEYS");
    }

    @Test
    void aDkimKeyThatCannotBeReadStopsTheStartRatherThanSendingUnsigned() throws Exception {
        Path absent = Path.of("target", "no-such-dkim-key.pem").toAbsolutePath();
        String output = assertDeploymentFails("dkim-missing-key", Map.of("SENDER_EMAIL", "news@example.org",
                "DKIM_SELECTOR", "mail2026", "DKIM_PRIVATE_KEY", absent.toString()), "DKIM is misconfigured");
        assertTrue(output.contains(absent.toString()), "the message names the file:\n" + output);
    }

    @Test
    void aPublicBaseUrlWithoutAnUnsubscribeSecretStopsTheStart() throws Exception {
        assertDeploymentFails("unsubscribe-no-secret", Map.of("PUBLIC_BASE_URL", "https://mail.example.com"),
                "UNSUBSCRIBE_SECRET (unsubscribe.secret) is required when PUBLIC_BASE_URL (public.base.url) is set");
    }

    @Test
    void aMalformedPublicBaseUrlStopsTheStartNamingTheKeyAndNotTheSecret() throws Exception {
        String secret = "run-script-unsubscribe-secret-0123456789";
        String output = assertDeploymentFails("unsubscribe-bad-url", Map.of("PUBLIC_BASE_URL", "mail.example.com/news",
                "UNSUBSCRIBE_SECRET", secret), "PUBLIC_BASE_URL (public.base.url) must be an absolute http or https URL");
        assertFalse(output.contains(secret), "the secret is never logged:\n" + output);
    }

    /** Starts run.sh with settings the application refuses; returns run.sh's output. */
    private static String assertDeploymentFails(String name, Map<String, String> settings, String expected)
            throws Exception {
        Path log = Path.of("target", "run-script-" + name + ".log");
        Path data = Files.createTempDirectory(Path.of("target"), "run-script-data-");
        var builder = new ProcessBuilder("bash", "run.sh").redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        RunningScript.clearInherited(env);
        int httpPort = FreePorts.any();
        env.put("HTTP_PORT", String.valueOf(httpPort));
        env.put("DATA_DIR", data.toString());
        env.put("GREENMAIL_SMTP_PORT", String.valueOf(FreePorts.any()));
        env.put("GREENMAIL_API_PORT", String.valueOf(FreePorts.any()));
        env.putAll(settings);
        Process process = builder.start();
        try {
            assertTrue(process.waitFor(START_DEADLINE.dividedBy(2).toSeconds(), TimeUnit.SECONDS),
                    "run.sh still runs after a failed deployment:\n" + Files.readString(log));
            assertEquals(1, process.exitValue(), Files.readString(log));
            String output = Files.readString(log);
            assertTrue(output.contains("the application failed to deploy"), output);
            assertTrue(output.contains(expected), "the cause, '" + expected + "', is not in the output:\n" + output);
            assertFalse(output.contains("Email Engine is up"), output);
            assertFalse(FreePorts.listening(httpPort), "Payara Micro outlived run.sh");
            return output;
        } finally {
            process.destroyForcibly();
        }
    }

    /**
     * Messages of every kind, sent through the real WAR to a real SMTP server with keys rotating
     * (DKIM_KEYS lists the new selector first): each verifies with dkimpy given the records GET
     * /dkim shows, signed by the new selector, and a message changed after capture does not.
     */
    @Test
    void withDkimKeysEveryMessageLeavesSignedAndVerifiesIndependently() throws Exception {
        // From RSA to Ed25519: the unit tests sign the composer's messages with both; here the new one signs.
        KeyPair newer = DkimTestKeys.ed25519();
        KeyPair older = DkimTestKeys.rsa(2048);
        Path keys = Files.createTempDirectory(Path.of("target"), "dkim-keys-");
        Path newKey = DkimTestKeys.pem(keys, "new.pem", newer);
        Path oldKey = DkimTestKeys.pem(keys, "old.pem", older);
        try (var smtp = TestSmtpServer.onFreePort(); var run = RunningScript.start("dkim", FreePorts.any(), Map.of(
                "SMTP_SERVER", "127.0.0.1", "PORT", String.valueOf(smtp.port()), "SMTP_SECURITY", "none",
                "SENDER_EMAIL", "news@example.org",
                "DKIM_KEYS", "example.org:new2026:" + newKey + ";example.org:old2025:" + oldKey))) {
            var api = new Api(run.url());
            JsonArray records = api.get("dkim").json().getJsonArray("keys");
            assertEquals(List.of("new2026 true", "old2025 false"), records.stream().map(JsonValue::asJsonObject)
                    .map(r -> r.getString("selector") + " " + r.getBoolean("signing")).toList());
            assertEquals(DkimTestKeys.txtRecord(newer), records.getJsonObject(0).getString("txt_record"));
            assertEquals("new2026._domainkey.example.org", records.getJsonObject(0).getString("dns_name"));
            Map<String, String> dns = Map.of("new2026._domainkey.example.org",
                    records.getJsonObject(0).getString("txt_record"), "old2025._domainkey.example.org",
                    records.getJsonObject(1).getString("txt_record"));

            String pdf = Base64.getEncoder().encodeToString("%PDF-1.4 not really".getBytes(StandardCharsets.US_ASCII));
            var bodies = Map.of(
                    "plain@example.net", """
                            {"to_email": "plain@example.net", "subject": "Plain", "body": "Hello\\n  spaced  line  "}""",
                    "html@example.net", """
                            {"to_email": "html@example.net", "subject": "HTML", "body": "<p>Hi</p>", "format": "html"}""",
                    "multi@example.net", """
                            {"to_email": "multi@example.net", "subject": "Both", "body": "<p>Hi</p>", "format": "multipart"}""",
                    "attached@example.net", """
                            {"to_email": "attached@example.net", "subject": "Report", "body": "see attached",
                             "cc": ["cc@example.net"], "attachments": [{"filename": "résumé.pdf",
                             "content_type": "application/pdf", "content_base64": "%s"}]}""".formatted(pdf),
                    "unicode@example.net", """
                            {"to_email": "unicode@example.net", "subject": "Grüße aus Köln 😀",
                             "body": "Ärger? Nein.", "from_name": "Zoë Ünicode"}""");
            for (String body : bodies.values()) {
                assertEquals(200, api.post("email", body).status(), body);
            }
            for (String recipient : bodies.keySet()) {
                var bytes = new ByteArrayOutputStream();
                smtp.awaitMessageTo(recipient, Duration.ofSeconds(30)).writeTo(bytes);
                byte[] received = bytes.toByteArray();
                String text = new String(received, StandardCharsets.ISO_8859_1);
                // The SMTP server adds its Received: line above the signature, as every relay may.
                assertTrue(text.contains("\r\nDKIM-Signature: v=1; a=ed25519-sha256;") && text.contains("s=new2026;"), text);
                assertEquals("pass", DkimVerifier.verdict(received, dns), recipient + ":\n" + text);
                String altered = text.replaceFirst("Subject: ", "Subject: Re: ");
                assertTrue(DkimVerifier.verdict(altered.getBytes(StandardCharsets.ISO_8859_1), dns).startsWith("fail"),
                        recipient + " still verifies after its subject changed");
            }
        }
    }

    /** The application's own rotating log under logs/ (server-config/payara/logging.properties). */
    private static void awaitLogLine(String text) {
        Path file = Path.of("logs", "email-engine.0.log");
        await("a line with '" + text + "' in " + file.toAbsolutePath())
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.exists(file) && Files.readString(file).contains(text));
    }

    @Test
    void withSmtpSettingsItLogsInToThatServerOverPlainSmtp() throws Exception {
        int smtpPort = FreePorts.any();
        var greenMail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.setUser("sender@example.org", "sender@example.org", PASSWORD);
        greenMail.start();
        try (var run = RunningScript.start("external-plain", FreePorts.any(), Map.of(
                "SMTP_SERVER", "127.0.0.1", "PORT", String.valueOf(smtpPort), "SMTP_SECURITY", "none",
                "SENDER_EMAIL", "sender@example.org", "PASSWORD", PASSWORD))) {
            assertEquals(200, new Api(run.url()).post("email", README_EXAMPLE).status());

            assertTrue(greenMail.waitForIncomingEmail(30_000, 1), "no email reached the external server");
            MimeMessage received = greenMail.getReceivedMessages()[0];
            assertEquals("sender@example.org", received.getFrom()[0].toString());
            assertEquals("Welcome Email", received.getSubject());

            // Nothing run.sh or the server wrote may be open to other users, nor hold the password
            // (target/payara-tmp is where Payara's runtime files, domain.xml included, used to go).
            for (Path dir : List.of(run.data, Path.of("logs"), Path.of("target", "run"), Path.of("target", "payara-tmp"))) {
                if (Files.exists(dir)) {
                    assertPrivateAndFreeOf(dir, PASSWORD);
                }
            }
            assertFalse(Files.readString(run.log).contains(PASSWORD), "the password is in run.sh's output");
            Path runtime = run.payaraRuntimeDir();
            try (Stream<Path> files = Files.walk(runtime)) {
                assertTrue(files.anyMatch(f -> f.endsWith("domain.xml")), "no domain.xml in " + runtime);
            }

            run.stop();
            assertFalse(Files.exists(runtime), "Payara's runtime dir outlived run.sh: " + runtime);
        } finally {
            greenMail.stop();
        }
    }

    @Test
    void withSmtpSecuritySslItSendsOverImplicitTls() throws Exception {
        int smtpsPort = FreePorts.any();
        // GreenMail's SMTPS uses a self-signed certificate: trusted here through SMTP_SSL_TRUST.
        var greenMail = new GreenMail(new ServerSetup(smtpsPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
        greenMail.setUser("tls@example.org", "tls@example.org", "pw");
        greenMail.start();
        // With API keys too: run.sh must see the service up through GET /health, which needs none.
        try (var run = RunningScript.start("external-ssl", FreePorts.any(), Map.of(
                "SMTP_SERVER", "127.0.0.1", "PORT", String.valueOf(smtpsPort), "SMTP_SECURITY", "ssl",
                "SMTP_SSL_TRUST", "127.0.0.1", "SMTP_SSL_CHECK_IDENTITY", "false", "SENDER_EMAIL", "tls@example.org", "PASSWORD", "pw",
                "API_KEYS", System.getProperty("it.api.key")))) {
            assertEquals(401, new Api(run.url()).withKey(null).post("email", README_EXAMPLE).status());
            assertEquals(200, new Api(run.url()).post("email", README_EXAMPLE).status());

            assertTrue(greenMail.waitForIncomingEmail(30_000, 1), "no email reached the TLS server");
            assertEquals("Welcome Email", greenMail.getReceivedMessages()[0].getSubject());
        } finally {
            greenMail.stop();
        }
    }

    /** Every file and directory under {@code root}: no permission for group or others, no {@code secret}. */
    private static void assertPrivateAndFreeOf(Path root, String secret) throws IOException {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                    continue; // deleted while walking (a rotated log, a finished temp file)
                }
                Set<PosixFilePermission> open = EnumSet.copyOf(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
                open.retainAll(EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
                        PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE));
                assertEquals(Set.of(), open, path + " is open to other users");
                if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    assertFalse(contains(Files.readAllBytes(path), needle), path + " holds the SMTP password");
                }
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** GreenMail's REST API, as the README tells a user to read captured mail. */
    private static JsonArray awaitCapturedMail(Api greenMailApi) {
        Api.Reply inbox = await("a message in the embedded GreenMail")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> greenMailApi.get("api/user/user@example.com/messages/"),
                        reply -> reply.status() == 200 && reply.body().startsWith("[") && !reply.body().equals("[]"));
        try (var reader = Json.createReader(new StringReader(inbox.body()))) {
            return reader.readArray();
        }
    }

    /** run.sh as a child process, its output kept in target/run-script-&lt;name&gt;.log. */
    static final class RunningScript implements AutoCloseable {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final Process process;
        private final int httpPort;
        final Path log;
        final Path data;
        private final List<Path> runtimeDirsBefore;

        private RunningScript(Process process, int httpPort, Path log, Path data, List<Path> runtimeDirsBefore) {
            this.process = process;
            this.httpPort = httpPort;
            this.log = log;
            this.data = data;
            this.runtimeDirsBefore = runtimeDirsBefore;
        }

        static RunningScript start(String name, int httpPort, Map<String, String> extraEnv) throws Exception {
            Path log = Path.of("target", "run-script-" + name + ".log");
            Path data = Files.createTempDirectory(Path.of("target"), "run-script-data-");
            var builder = new ProcessBuilder("bash", "run.sh").redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            clearInherited(env);
            env.put("HTTP_PORT", String.valueOf(httpPort));
            env.put("DATA_DIR", data.toString());
            env.putAll(extraEnv);
            List<Path> runtimeDirsBefore = runtimeDirs();
            var run = new RunningScript(builder.start(), httpPort, log, data, runtimeDirsBefore);
            // From the first moment, a client may only be refused (or told 503) until the service
            // answers: a 404 would read as "no such endpoint" rather than "not up yet".
            var answersBeforeUp = new ArrayList<Integer>();
            try {
                await("run.sh to come up (see " + log + ")").atMost(START_DEADLINE).pollInterval(Duration.ofMillis(200))
                        .pollInSameThread() // answersBeforeUp is this thread's
                        .failFast("run.sh exited before the service was up; see " + log, () -> {
                            if (!run.process.isAlive()) {
                                throw new AssertionError("run.sh exited with " + run.process.exitValue() + ":\n"
                                        + Files.readString(log));
                            }
                        })
                        .until(() -> {
                            if (!answersBeforeUp.contains(200)) {
                                run.healthStatus().ifPresent(answersBeforeUp::add);
                            }
                            return Files.readString(log).contains("Email Engine is up");
                        });
            } catch (RuntimeException | AssertionError e) {
                run.close();
                throw e;
            }
            answersBeforeUp.removeIf(status -> status == 200 || status == 503);
            if (!answersBeforeUp.isEmpty()) {
                run.close();
                throw new AssertionError("GET /health answered " + answersBeforeUp + " while the service started");
            }
            // "Up" is run.sh's promise that a client is answered now, not a guess from the log.
            Api.Reply health = new Api(run.url()).withKey(null).get("health");
            if (health.status() != 200 || !health.json().containsKey("status")) {
                run.close();
                throw new AssertionError("run.sh reported up, but GET /health answered " + health.status() + ": "
                        + health.body());
            }
            return run;
        }

        /** Failsafe's settings are for the Arquillian tests, not for run.sh. */
        static void clearInherited(Map<String, String> env) {
            for (String inherited : new String[] {"SMTP_SERVER", "PORT", "SMTP_SECURITY", "SENDER_EMAIL", "SENDER_NAME",
                    "PASSWORD", "DATA_DIR", "SMTP_SSL_ENABLE", "SMTP_STARTTLS_ENABLE", "SMTP_AUTH",
                    "WORKER_POLLING_INTERVAL", "MAX_RETRIES", "RETRY_BASE_DELAY", "RETRY_MAX_DELAY", "API_KEYS",
                    "QUEUE_STORE", "DB_URL", "DB_USER", "DB_PASSWORD", "DB_POOL_SIZE", "PUBLIC_BASE_URL",
                    "UNSUBSCRIBE_SECRET"}) {
                env.remove(inherited);
            }
        }

        /** The status of GET /health, or empty when the connection is refused. */
        private Optional<Integer> healthStatus() throws IOException, InterruptedException {
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                    .timeout(Duration.ofSeconds(10)).build();
            try {
                return Optional.of(HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
            } catch (IOException noAnswer) { // refused, or reset while the listener starts
                return Optional.empty();
            }
        }

        /** Payara Micro's runtime directory (domain.xml and the rest): the one this run made. */
        Path payaraRuntimeDir() throws IOException {
            List<Path> found = new ArrayList<>(runtimeDirs());
            found.removeAll(runtimeDirsBefore);
            assertEquals(1, found.size(), "one runtime dir per run: " + found);
            return found.get(0);
        }

        private static List<Path> runtimeDirs() throws IOException {
            Path runDir = Path.of("target", "run");
            if (!Files.isDirectory(runDir)) {
                return List.of();
            }
            try (Stream<Path> dirs = Files.list(runDir)) {
                return dirs.filter(d -> d.getFileName().toString().startsWith("payara-tmp.")).toList();
            }
        }

        URL url() throws IOException {
            return new URL("http://127.0.0.1:" + httpPort + "/");
        }

        void stop() throws InterruptedException {
            process.destroy(); // SIGTERM, as a service manager would send
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "run.sh did not stop within 60 s of SIGTERM");
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                stop();
            }
        }
    }
}
