package dev.emailengine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Verifies DKIM signatures with an implementation that is not ours: dkimpy (Debian's
 * python3-dkim, which .ci/run installs), through src/test/resources/dkim-verify.py, given the DNS
 * records to answer with instead of real DNS.
 */
public final class DkimVerifier {

    private DkimVerifier() {
    }

    /** "pass", or "fail: " and dkimpy's reason. */
    public static String verdict(byte[] message, Map<String, String> txtRecords) {
        var command = new ArrayList<String>();
        command.add(python());
        command.add(script().toString());
        txtRecords.forEach((name, txt) -> command.add(name + "=" + txt));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var in = process.getOutputStream()) {
                in.write(message);
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("dkim-verify.py did not finish within 60 s");
            }
            assertEquals(0, process.exitValue(), "dkim-verify.py: " + output);
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Debian's interpreter, where python3-dkim is installed, rather than another one first on PATH. */
    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    private static Path script() {
        try {
            return Path.of(DkimVerifier.class.getResource("/dkim-verify.py").toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("dkim-verify.py is not on the test class path", e);
        }
    }
}
