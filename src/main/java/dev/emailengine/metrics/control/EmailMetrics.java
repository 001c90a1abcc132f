package dev.emailengine.metrics.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what happens to emails. Always kept in process (the JMX view reads these); mirrored
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

    public void accepted(int count) {
        accepted.add(count);
        if (mp != null) {
            mp.accepted(count);
        }
    }

    public void cancelled() {
        cancelled.increment();
        if (mp != null) {
            mp.cancelled();
        }
    }

    /**
     * @param latency the SMTP send, compose to server acceptance
     * @param waited from when the email was due to when a worker took it
     */
    public void sent(String worker, Duration latency, Duration waited) {
        sent.increment();
        if (mp != null) {
            mp.sent(worker, latency, waited.isNegative() ? Duration.ZERO : waited);
        }
    }

    /** A failed attempt: {@code willRetry} when another will follow, otherwise it went to the dead letters. */
    public void failed(String worker, boolean willRetry) {
        failed.increment();
        (willRetry ? retried : deadLettered).increment();
        if (mp != null) {
            mp.failed(worker, willRetry);
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
