package dev.emailengine.metrics.control;

import dev.emailengine.queue.entity.EmailEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what happens to emails, observing the {@link EmailEvent}s queue and dispatch fire. Always kept in process (the JMX view reads these); mirrored
 * into MicroProfile Metrics when the server provides it ({@link MicroProfileMetrics}), so a
 * server without MP Metrics still runs the application. No MP Metrics type appears here.
 */
@ApplicationScoped
public class EmailMetrics {

    private static final System.Logger LOG = System.getLogger(EmailMetrics.class.getName());

    private final LongAdder accepted = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder cancelled = new LongAdder();

    private MicroProfileMetrics mp;

    @PostConstruct
    void init() {
        mp = MicroProfileMetrics.apiPresent() ? MicroProfileMetrics.lookup() : null;
        if (mp == null) {
            LOG.log(Level.INFO, "no MicroProfile Metrics on this server; the figures are in JMX only");
        }
    }

    void accepted(@Observes EmailEvent.Accepted event) {
        accepted.add(event.count());
        if (mp != null) {
            mp.accepted(event.count());
        }
    }

    void cancelled(@Observes EmailEvent.Cancelled event) {
        cancelled.increment();
        if (mp != null) {
            mp.cancelled();
        }
    }

    void sent(@Observes EmailEvent.Sent event) {
        sent.increment();
        if (mp != null) {
            mp.sent(event.worker(), event.latency(), event.waited());
        }
    }

    void failed(@Observes EmailEvent.Failed event) {
        failed.increment();
        (event.willRetry() ? retried : deadLettered).increment();
        if (mp != null) {
            mp.failed(event.worker(), event.willRetry());
        }
    }

    /** Publishes the live figures of {@code status} as gauges, where MP Metrics exists. */
    void publishGauges(EngineStatus status) {
        if (mp != null) {
            mp.gauges(status);
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
}
