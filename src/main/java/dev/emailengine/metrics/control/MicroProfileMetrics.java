package dev.emailengine.metrics.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * The MicroProfile Metrics side of {@link EmailMetrics}, and the only class that names the MP
 * Metrics API. Nothing injects it: {@link EmailMetrics} looks it up only after
 * {@link #apiPresent()}, so where a server has no MP Metrics (WildFly 39 dropped it) the container
 * merely skips this bean and the application still deploys. It is a bean, not a plain class,
 * because Payara's registry producer needs a real injection point.
 */
@ApplicationScoped
public class MicroProfileMetrics {

    @Inject
    MetricRegistry registry;

    private Counter accepted;
    private Counter sent;
    private Counter failed;
    private Counter retried;
    private Counter deadLettered;
    private Counter cancelled;
    private Timer sendLatency;
    private Timer queueWait;

    @PostConstruct
    void register() {
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

    /** The bean, or null when the container has none (it skipped the class). */
    static MicroProfileMetrics lookup() {
        Instance<MicroProfileMetrics> bean = CDI.current().select(MicroProfileMetrics.class);
        return bean.isResolvable() ? bean.get() : null;
    }

    public void accepted(int count) {
        accepted.inc(count);
    }

    public void cancelled() {
        cancelled.inc();
    }

    public void sent(String worker, Duration latency, Duration waited) {
        sent.inc();
        sendLatency.update(latency);
        queueWait.update(waited);
        if (worker != null) {
            registry.counter("worker.emails.sent", new Tag("worker", worker)).inc();
        }
    }

    public void failed(String worker, boolean willRetry) {
        failed.inc();
        (willRetry ? retried : deadLettered).inc();
        if (worker != null) {
            registry.counter("worker.emails.failed", new Tag("worker", worker)).inc();
        }
    }

    /** Queue depth by state and active workers, read live from the JMX view's figures. */
    public void gauges(EngineStatus status) {
        registry.gauge("queue.depth", status::getQueueDue, new Tag("state", "due"));
        registry.gauge("queue.depth", status::getQueueScheduled, new Tag("state", "scheduled"));
        registry.gauge("queue.depth", status::getQueueProcessing, new Tag("state", "processing"));
        registry.gauge("queue.depth", status::getDeadLetters, new Tag("state", "dead_letter"));
        registry.gauge("workers.active", status::getWorkersActive);
        // The limits configured at start; a domain met later under the '*' default shows in the status only.
        for (var limit : status.rateLimits()) {
            String key = limit.key();
            var tag = new Tag("limit", key);
            registry.gauge("rate_limit.configured_per_second", () -> limit.configuredPerSecond(), tag);
            registry.gauge("rate_limit.effective_per_second",
                    () -> status.rateLimit(key).map(l -> l.effectivePerSecond()).orElse(0.0), tag);
            registry.gauge("rate_limit.fullness", () -> status.rateLimit(key).map(l -> l.fullness()).orElse(0.0), tag);
        }
    }
}
