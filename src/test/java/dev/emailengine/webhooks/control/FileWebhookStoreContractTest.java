package dev.emailengine.webhooks.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emailengine.platform.DurableFiles;
import dev.emailengine.platform.Fsync;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook store contract on files: real files, real fsyncs; a restart is a new store on the directory. */
class FileWebhookStoreContractTest extends WebhookStoreContract {

    @TempDir
    Path data;

    @Override
    WebhookStore open() {
        return new FileWebhookStore(data.resolve("webhooks"), new DurableFiles(new Fsync()));
    }

    @Test
    void secretsAreReadableByTheServiceUserOnly() throws IOException {
        WebhookStore store = open();
        store.addEndpoint(endpoint("ep_a", List.of()), 10);
        store.record(event("msg_1"), List.of("ep_a"), AT);
        try (Stream<Path> all = Files.walk(data.resolve("webhooks"))) {
            for (Path path : all.toList()) {
                String expected = Files.isDirectory(path) ? "rwx------" : "rw-------";
                assertEquals(expected, PosixFilePermissions.toString(Files.getPosixFilePermissions(path)), path.toString());
            }
        }
    }

    /** A crash after the finished copy was written but before the owed one was removed: finished wins. */
    @Test
    void aDeliveryBothOwedAndFinishedAfterACrashIsFinished() throws IOException {
        WebhookStore store = open();
        store.addEndpoint(endpoint("ep_a", List.of()), 10);
        store.record(event("msg_1"), List.of("ep_a"), AT);
        Path owed = data.resolve("webhooks/outbox/msg_1.ep_a.json");
        byte[] owedCopy = Files.readAllBytes(owed);
        var delivery = store.claim(AT, 10, LEASE).get(0);
        store.attempted(delivery, attempt(delivery, 200, "delivered", AT), null);
        Files.write(owed, owedCopy);
        Files.writeString(data.resolve("webhooks/outbox/.tmp-msg_2.ep_a.json.1"), "half");

        assertEquals(List.of(), open().claim(AT, 10, LEASE));
        assertEquals(List.of("msg_1.ep_a.json"), List.of(data.resolve("webhooks/done").toFile().list()));
        assertEquals(0, data.resolve("webhooks/outbox").toFile().list().length, "the stale copy and the temp file are gone");
    }
}
