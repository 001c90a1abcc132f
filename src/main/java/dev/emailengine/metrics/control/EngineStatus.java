package dev.emailengine.metrics.control;

import dev.emailengine.dispatch.control.Dispatcher;
import dev.emailengine.dispatch.control.Worker;
import dev.emailengine.queue.control.MailQueue;
import java.util.Locale;

/** The {@link EmailEngineMXBean} a JMX client reads: live figures from the queue, the workers and the counters. */
public class EngineStatus implements EmailEngineMXBean {

    private final MailQueue queue;
    private final Dispatcher dispatcher;
    private final EmailMetrics metrics;

    public EngineStatus(MailQueue queue, Dispatcher dispatcher, EmailMetrics metrics) {
        this.queue = queue;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
    }

    @Override
    public int getQueueDue() {
        return queue.status(0, 0).pending();
    }

    @Override
    public int getQueueScheduled() {
        return queue.status(0, 0).scheduledRetry();
    }

    @Override
    public int getQueueProcessing() {
        return queue.status(0, 0).processing();
    }

    @Override
    public long getDeadLetters() {
        return queue.status(0, 0).deadLetter();
    }

    @Override
    public long getEmailsAccepted() {
        return metrics.acceptedCount();
    }

    @Override
    public long getEmailsSent() {
        return metrics.sentCount();
    }

    @Override
    public long getEmailsFailed() {
        return metrics.failedCount();
    }

    @Override
    public long getEmailsRetried() {
        return metrics.retriedCount();
    }

    @Override
    public long getEmailsDeadLettered() {
        return metrics.deadLetteredCount();
    }

    @Override
    public long getEmailsCancelled() {
        return metrics.cancelledCount();
    }

    @Override
    public int getWorkersTotal() {
        return dispatcher.workers().size();
    }

    @Override
    public int getWorkersActive() {
        return (int) dispatcher.workers().stream().filter(Worker::running).count();
    }

    @Override
    public String[] getWorkers() {
        return dispatcher.workers().stream()
                .map(w -> String.format(Locale.ROOT, "%s running=%s current=%s sent=%d failed=%d avg_latency_ms=%.1f",
                        w.id(), w.running(), w.currentEmail(), w.sent(), w.failed(), w.averageLatencyMillis()))
                .toArray(String[]::new);
    }

    @Override
    public boolean isPaused() {
        return dispatcher.paused();
    }

    @Override
    public String getSmtpCircuit() {
        return dispatcher.breaker().state().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void pause() {
        dispatcher.pause();
    }

    @Override
    public void resume() {
        dispatcher.resume();
    }
}
