package dev.emailengine.metrics.control;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;
import java.time.Duration;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * The MicroProfile Metrics side of {@link EmailMetrics}. The only class that names the MP Metrics
 * API, and not a CDI bean: it is loaded only after {@link #apiPresent()} said the server has the
 * API, so the application also deploys where it does not (WildFly 39 dropped MP Metrics).
 */
final class MicroProfileMetrics {

    private final MetricRegistry registry;
    private final Counter accepted;
    private final Counter sent;
    private final Counter failed;
    private final Counter retried;
    private final Counter deadLettered;
    private final Counter cancelled;
    private final Timer sendLatency;
    private final Timer queueWait;

    private MicroProfileMetrics(MetricRegistry registry) {
        this.registry = registry;
        accepted = registry.counter("emails.accepted");
        sent = registry.counter("emails.sent");
        failed = registry.counter("emails.failed");
        retried = registry.counter("emails.retried");
        deadLettered = registry.counter("emails.dead_lettered");
        cancelled = registry.counter("emails.cancelled");
        sendLatency = registry.timer("emails.send.latency");
        queueWait = registry.timer("emails.queue.wait");
    }

    static boolean apiPresent() {
        try {
            Class.forName("org.eclipse.microprofile.metrics.MetricRegistry", false,
                    MicroProfileMetrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The application registry's mirror, or null when the server provides none. */
    static MicroProfileMetrics lookup() {
        Instance<MetricRegistry> registries = CDI.current().select(MetricRegistry.class);
        return registries.isResolvable() ? new MicroProfileMetrics(registries.get()) : null;
    }

    void accepted(int count) {
        accepted.inc(count);
    }

    void cancelled() {
        cancelled.inc();
    }

    void sent(String worker, Duration latency, Duration waited) {
        sent.inc();
        sendLatency.update(latency);
        queueWait.update(waited);
        if (worker != null) {
            registry.counter("worker.emails.sent", new Tag("worker", worker)).inc();
        }
    }

    void failed(String worker, boolean willRetry) {
        failed.inc();
        (willRetry ? retried : deadLettered).inc();
        if (worker != null) {
            registry.counter("worker.emails.failed", new Tag("worker", worker)).inc();
        }
    }

    /** Queue depth by state and active workers, read live from the JMX view's figures. */
    void gauges(EngineStatus status) {
        registry.gauge("queue.depth", status::getQueueDue, new Tag("state", "due"));
        registry.gauge("queue.depth", status::getQueueScheduled, new Tag("state", "scheduled"));
        registry.gauge("queue.depth", status::getQueueProcessing, new Tag("state", "processing"));
        registry.gauge("queue.depth", status::getDeadLetters, new Tag("state", "dead_letter"));
        registry.gauge("workers.active", status::getWorkersActive);
    }
}
