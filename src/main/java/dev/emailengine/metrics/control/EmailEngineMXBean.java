package dev.emailengine.metrics.control;

/**
 * The JMX view, registered as {@value MetricsPublisher#OBJECT_NAME}: what JConsole, VisualVM and
 * the servers' admin consoles show. Open types only, so any JMX client can read it.
 */
public interface EmailEngineMXBean {

    int getQueueDue();

    int getQueueScheduled();

    int getQueueProcessing();

    long getDeadLetters();

    long getEmailsAccepted();

    long getEmailsSent();

    long getEmailsFailed();

    long getEmailsRetried();

    long getEmailsDeadLettered();

    long getEmailsCancelled();

    int getWorkersTotal();

    int getWorkersActive();

    /** One line per worker: id, running, current email, sent, failed, average latency. */
    String[] getWorkers();

    /** One line per rate limit: key, configured, effective rate per second, fullness, wait until the next slot. */
    String[] getRateLimits();

    boolean isPaused();

    /** closed, open or half_open. */
    String getSmtpCircuit();

    void pause();

    void resume();
}
