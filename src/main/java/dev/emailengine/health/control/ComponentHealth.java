package dev.emailengine.health.control;

import dev.emailengine.dispatch.control.Dispatcher;
import dev.emailengine.dispatch.control.Worker;
import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.templates.control.Templates;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The checks behind both health surfaces; each answers empty when healthy, or the reason it is not. */
@ApplicationScoped
public class ComponentHealth {

    @Inject
    MailQueue queue;

    @Inject
    Templates templates;

    @Inject
    Dispatcher dispatcher;

    @Inject
    SmtpProbe smtp;

    @Inject
    @ConfigProperty(name = "min.free.disk.mb", defaultValue = "100")
    long minFreeDiskMb;

    /** The data directory is writable and has room for more mail. */
    public Optional<String> queueProblem() {
        Path dir = queue.queueDirectory();
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            return Optional.of("queue directory " + dir + " is not writable");
        }
        try {
            long freeMb = Files.getFileStore(dir).getUsableSpace() / (1024 * 1024);
            if (freeMb < minFreeDiskMb) {
                return Optional.of(freeMb + " MB free under " + dir + ", below MIN_FREE_DISK_MB=" + minFreeDiskMb);
            }
        } catch (IOException e) {
            return Optional.of("cannot read free space of " + dir + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    public Optional<String> templatesProblem() {
        try {
            return templates.names().isEmpty() ? Optional.of("no templates in TEMPLATES_DIR") : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("cannot list templates: " + e.getMessage());
        }
    }

    public Optional<String> senderProblem() {
        return smtp.problem();
    }

    /** Every worker that should run is running (none should when auto-processing is off). */
    public Optional<String> workersProblem() {
        long stopped = dispatcher.workers().stream().filter(w -> !w.running()).count();
        return stopped == 0 ? Optional.empty()
                : Optional.of(stopped + " of " + dispatcher.workers().size() + " workers are not running: "
                        + dispatcher.workers().stream().filter(w -> !w.running()).map(Worker::id).toList());
    }
}
