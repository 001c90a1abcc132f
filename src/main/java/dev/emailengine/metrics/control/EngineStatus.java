package dev.emailengine.metrics.control;

import dev.emailengine.dispatch.control.Dispatcher;
import dev.emailengine.dispatch.control.Worker;
import dev.emailengine.pacing.control.RateLimits;
import dev.emailengine.pacing.entity.RateLimitStatus;
import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.QueueStatus;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/** The {@link EmailEngineMXBean} a JMX client reads: live figures from the queue, the workers and the counters. */
public class EngineStatus implements EmailEngineMXBean {

    private final MailQueue queue;
    private final Dispatcher dispatcher;
    private final EmailMetrics metrics;
    private final RateLimits rateLimits;
    private final ClassLoader application;
    private static final long COUNTS_TTL_NANOS = 200_000_000L;
    private volatile Counts counts;
    private volatile Limits limits;

    /** Create on a container thread: its context class loader is the one JMX calls are run with. */
    public EngineStatus(MailQueue queue, Dispatcher dispatcher, EmailMetrics metrics, RateLimits rateLimits) {
        this.rateLimits = rateLimits;
        this.queue = queue;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.application = Thread.currentThread().getContextClassLoader();
    }

    /**
     * JMX calls arrive on the JMX connector's threads, whose context class loader is not the
     * application's (often null); the container refuses bean calls made from there.
     */
    private <T> T inApplication(Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(application);
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * One reading of the queue's counts serves every gauge of a scrape (and JMX reads) for a
     * moment (200 ms): on PostgreSQL each reading counts rows, and a scrape asks four times.
     */
    private QueueStatus counts() {
        Counts last = counts;
        long now = System.nanoTime();
        if (last == null || now - last.readAt() > COUNTS_TTL_NANOS) {
            last = new Counts(inApplication(() -> queue.status(0, 0)), now);
            counts = last;
        }
        return last.status();
    }

    private record Counts(QueueStatus status, long readAt) {
    }

    /** The rate limits, read as the counts are: once per scrape (on PostgreSQL a query). */
    List<RateLimitStatus> rateLimits() {
        Limits last = limits;
        long now = System.nanoTime();
        if (last == null || now - last.readAt() > COUNTS_TTL_NANOS) {
            last = new Limits(inApplication(rateLimits::status), now);
            limits = last;
        }
        return last.status();
    }

    Optional<RateLimitStatus> rateLimit(String key) {
        return rateLimits().stream().filter(l -> l.key().equals(key)).findFirst();
    }

    private record Limits(List<RateLimitStatus> status, long readAt) {
    }

    @Override
    public String[] getRateLimits() {
        return rateLimits().stream()
                .map(l -> String.format(Locale.ROOT, "%s configured=%s effective_per_second=%.2f fullness=%.2f wait_ms=%d",
                        l.key(), l.configured(), l.effectivePerSecond(), l.fullness(), l.waitMillis()))
                .toArray(String[]::new);
    }

    @Override
    public int getQueueDue() {
        return counts().pending();
    }

    @Override
    public int getQueueScheduled() {
        return counts().scheduledRetry();
    }

    @Override
    public int getQueueProcessing() {
        return counts().processing();
    }

    @Override
    public long getDeadLetters() {
        return counts().deadLetter();
    }

    @Override
    public long getEmailsAccepted() {
        return inApplication(() -> metrics.acceptedCount());
    }

    @Override
    public long getEmailsSent() {
        return inApplication(() -> metrics.sentCount());
    }

    @Override
    public long getEmailsFailed() {
        return inApplication(() -> metrics.failedCount());
    }

    @Override
    public long getEmailsRetried() {
        return inApplication(() -> metrics.retriedCount());
    }

    @Override
    public long getEmailsDeadLettered() {
        return inApplication(() -> metrics.deadLetteredCount());
    }

    @Override
    public long getEmailsCancelled() {
        return inApplication(() -> metrics.cancelledCount());
    }

    @Override
    public int getWorkersTotal() {
        return inApplication(() -> dispatcher.workers().size());
    }

    @Override
    public int getWorkersActive() {
        return inApplication(() -> (int) dispatcher.workers().stream().filter(Worker::running).count());
    }

    @Override
    public String[] getWorkers() {
        return inApplication(() -> dispatcher.workers().stream()
                .map(w -> String.format(Locale.ROOT, "%s running=%s current=%s sent=%d failed=%d avg_latency_ms=%.1f",
                        w.id(), w.running(), w.currentEmail(), w.sent(), w.failed(), w.averageLatencyMillis()))
                .toArray(String[]::new));
    }

    @Override
    public boolean isPaused() {
        return inApplication(() -> dispatcher.paused());
    }

    @Override
    public String getSmtpCircuit() {
        return inApplication(() -> dispatcher.breaker().state().name().toLowerCase(Locale.ROOT));
    }

    @Override
    public void pause() {
        inApplication(() -> {
            dispatcher.pause();
            return null;
        });
    }

    @Override
    public void resume() {
        inApplication(() -> {
            dispatcher.resume();
            return null;
        });
    }
}
