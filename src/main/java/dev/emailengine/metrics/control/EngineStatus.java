package dev.emailengine.metrics.control;

import dev.emailengine.dispatch.control.Dispatcher;
import dev.emailengine.dispatch.control.Worker;
import dev.emailengine.queue.control.MailQueue;
import java.util.Locale;
import java.util.function.Supplier;

/** The {@link EmailEngineMXBean} a JMX client reads: live figures from the queue, the workers and the counters. */
public class EngineStatus implements EmailEngineMXBean {

    private final MailQueue queue;
    private final Dispatcher dispatcher;
    private final EmailMetrics metrics;
    private final ClassLoader application;

    /** Create on a container thread: its context class loader is the one JMX calls are run with. */
    public EngineStatus(MailQueue queue, Dispatcher dispatcher, EmailMetrics metrics) {
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

    @Override
    public int getQueueDue() {
        return inApplication(() -> queue.status(0, 0).pending());
    }

    @Override
    public int getQueueScheduled() {
        return inApplication(() -> queue.status(0, 0).scheduledRetry());
    }

    @Override
    public int getQueueProcessing() {
        return inApplication(() -> queue.status(0, 0).processing());
    }

    @Override
    public long getDeadLetters() {
        return inApplication(() -> queue.status(0, 0).deadLetter());
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
