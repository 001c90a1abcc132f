package dev.emailengine.metrics.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Counts what happens to emails. Always kept in process (the JMX view reads these); mirrored
 * into MicroProfile Metrics when the server provides a registry, so a server without MP Metrics
 * still runs the application.
 */
@ApplicationScoped
public class EmailMetrics {

    private static final System.Logger LOG = System.getLogger(EmailMetrics.class.getName());

    @Inject
    Instance<MetricRegistry> registries;

    private final LongAdder accepted = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder cancelled = new LongAdder();

    private MetricRegistry registry;
    private Counter acceptedCounter;
    private Counter sentCounter;
    private Counter failedCounter;
    private Counter retriedCounter;
    private Counter deadLetteredCounter;
    private Counter cancelledCounter;
    private Timer sendLatency;
    private Timer queueWait;

    @PostConstruct
    void init() {
        if (registries == null || !registries.isResolvable()) {
            LOG.log(Level.INFO, "no MicroProfile Metrics registry on this server; figures are in JMX only");
            return;
        }
        registry = registries.get();
        acceptedCounter = registry.counter("emails.accepted");
        sentCounter = registry.counter("emails.sent");
        failedCounter = registry.counter("emails.failed");
        retriedCounter = registry.counter("emails.retried");
        deadLetteredCounter = registry.counter("emails.dead_lettered");
        cancelledCounter = registry.counter("emails.cancelled");
        sendLatency = registry.timer("emails.send.latency");
        queueWait = registry.timer("emails.queue.wait");
    }

    public void accepted(int count) {
        accepted.add(count);
        if (acceptedCounter != null) {
            acceptedCounter.inc(count);
        }
    }

    public void cancelled() {
        cancelled.increment();
        if (cancelledCounter != null) {
            cancelledCounter.inc();
        }
    }

    /**
     * @param latency the SMTP send, compose to server acceptance
     * @param waited from when the email was due to when a worker took it
     */
    public void sent(String worker, Duration latency, Duration waited) {
        sent.increment();
        if (registry != null) {
            sentCounter.inc();
            sendLatency.update(latency);
            queueWait.update(waited.isNegative() ? Duration.ZERO : waited);
            if (worker != null) {
                registry.counter("worker.emails.sent", new Tag("worker", worker)).inc();
            }
        }
    }

    /** A failed attempt: {@code retried} when another will follow, otherwise it went to the dead letters. */
    public void failed(String worker, boolean willRetry) {
        failed.increment();
        (willRetry ? retried : deadLettered).increment();
        if (registry != null) {
            failedCounter.inc();
            (willRetry ? retriedCounter : deadLetteredCounter).inc();
            if (worker != null) {
                registry.counter("worker.emails.failed", new Tag("worker", worker)).inc();
            }
        }
    }

    public long acceptedCount() {
        return accepted.sum();
    }

    public long sentCount() {
        return sent.sum();
    }

    public long failedCount() {
        return failed.sum();
    }

    public long retriedCount() {
        return retried.sum();
    }

    public long deadLetteredCount() {
        return deadLettered.sum();
    }

    public long cancelledCount() {
        return cancelled.sum();
    }

    /** For the gauges; null without MicroProfile Metrics. */
    MetricRegistry registry() {
        return registry;
    }
}
