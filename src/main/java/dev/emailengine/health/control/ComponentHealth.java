package dev.emailengine.health.control;

import dev.emailengine.dispatch.control.Dispatcher;
import dev.emailengine.dispatch.control.Worker;
import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.templates.control.Templates;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

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

    /** The queue's store can take more mail (for files: the data directory is writable, with room). */
    public Optional<String> queueProblem() {
        return queue.storageProblem();
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
