package dev.emailengine.dashboard.control;

import dev.emailengine.queue.entity.EmailEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what happens to emails between two samples, observing the {@link EmailEvent}s the
 * queue and dispatch fire (nothing calls in). Observers run on the worker that fired the event,
 * so each is an adder increment or a short lock.
 */
@ApplicationScoped
public class DeliveryTally {

    /** What happened in one interval. */
    record Interval(long accepted, long sent, long deferred, long throttled, long bounced, long deadLettered,
            long cancelled, LatencyReservoir.Percentiles latency) {
    }

    static final int LATENCY_SAMPLES = 2048;
    static final int MAX_DOMAINS = 500;

    private final LongAdder accepted = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder deferred = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder bounced = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LatencyReservoir latencies = new LatencyReservoir(LATENCY_SAMPLES);
    private final DomainCounts domains = new DomainCounts(MAX_DOMAINS);

    void accepted(@Observes EmailEvent.Accepted event) {
        accepted.add(event.count());
    }

    void sent(@Observes EmailEvent.Sent event) {
        sent.increment();
        latencies.record(event.latency().toNanos());
    }

    void failed(@Observes EmailEvent.Failed event) {
        (event.willRetry() ? deferred : deadLettered).increment();
    }

    void throttled(@Observes EmailEvent.Throttled event) {
        throttled.increment();
    }

    void bounced(@Observes EmailEvent.Bounced event) {
        bounced.increment();
    }

    void cancelled(@Observes EmailEvent.Cancelled event) {
        cancelled.increment();
    }

    void answered(@Observes EmailEvent.Answered event) {
        domains.count(event.answers());
    }

    /** What happened since the last call; the next interval starts now. */
    Interval drain() {
        return new Interval(accepted.sumThenReset(), sent.sumThenReset(), deferred.sumThenReset(),
                throttled.sumThenReset(), bounced.sumThenReset(), deadLettered.sumThenReset(),
                cancelled.sumThenReset(), latencies.drain());
    }

    DomainCounts domains() {
        return domains;
    }
}
