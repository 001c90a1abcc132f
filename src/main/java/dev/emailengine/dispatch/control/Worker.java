package dev.emailengine.dispatch.control;

import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.QueuedEmail;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A long-running worker task: claims the next due email, delivers it on its own SMTP connection,
 * and when nothing is due waits on the queue, which wakes it the moment an email arrives; the
 * polling interval only bounds how long an idle worker sleeps. While delivery is paused or the
 * SMTP server is out (see {@link SmtpCircuitBreaker}) it claims nothing.
 */
public class Worker implements Runnable {

    private static final System.Logger LOG = System.getLogger(Worker.class.getName());

    private final String id;
    private final MailQueue queue;
    private final Deliverer deliverer;
    private final SmtpConnection connection;
    private final SmtpCircuitBreaker breaker;
    private final PauseSwitch pause;
    private final Duration pollingInterval;

    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile boolean running;
    private volatile String currentEmail;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong totalLatencyNanos = new AtomicLong();

    public Worker(String id, MailQueue queue, Deliverer deliverer, SmtpConnection connection,
            SmtpCircuitBreaker breaker, PauseSwitch pause, Duration pollingInterval) {
        this.id = id;
        this.queue = queue;
        this.deliverer = deliverer;
        this.connection = connection;
        this.breaker = breaker;
        this.pause = pause;
        this.pollingInterval = pollingInterval;
    }

    @Override
    public void run() {
        running = true;
        LOG.log(Level.INFO, "{0} started", id);
        try {
            while (!stopRequested) {
                step();
            }
        } finally {
            connection.close();
            running = false;
            LOG.log(Level.INFO, "{0} stopped", id);
        }
    }

    private void step() {
        try {
            if (pause.paused()) {
                pause.awaitResume(pollingInterval);
                return;
            }
            switch (breaker.acquire()) {
                case WAIT -> breaker.awaitChange(pollingInterval);
                case PROBE -> deliverer.probe(connection);
                case SEND -> claimAndDeliver();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested = true;
        } catch (RuntimeException e) {
            // A bug or an unavailable container service must not kill the worker; pause so a
            // persistent fault does not spin.
            LOG.log(Level.ERROR, id + " hit an unexpected error; continuing", e);
            pauseAfterError();
        }
    }

    private void claimAndDeliver() throws InterruptedException {
        Optional<QueuedEmail> next = queue.claimNext();
        if (next.isPresent()) {
            deliver(next.get());
        } else {
            connection.closeIfIdle();
            queue.awaitWork(pollingInterval);
        }
    }

    private void deliver(QueuedEmail email) {
        currentEmail = email.id();
        long start = System.nanoTime();
        try {
            switch (deliverer.deliver(email, connection)) {
                case SENT -> {
                    sent.incrementAndGet();
                    totalLatencyNanos.addAndGet(System.nanoTime() - start);
                }
                case RETRY_SCHEDULED, DEAD_LETTERED -> failed.incrementAndGet();
                case DEFERRED_BY_OUTAGE -> {
                    // not the email's failure; the breaker now holds every worker
                }
            }
        } finally {
            currentEmail = null;
        }
    }

    private void pauseAfterError() {
        try {
            stopSignal.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested = true;
        }
    }

    public void requestStop() {
        stopRequested = true;
        stopSignal.countDown();
    }

    public String id() {
        return id;
    }

    public boolean running() {
        return running;
    }

    public String currentEmail() {
        return currentEmail;
    }

    public long sent() {
        return sent.get();
    }

    public long failed() {
        return failed.get();
    }

    public double averageLatencyMillis() {
        long count = sent.get();
        return count == 0 ? 0.0 : totalLatencyNanos.get() / 1e6 / count;
    }
}
