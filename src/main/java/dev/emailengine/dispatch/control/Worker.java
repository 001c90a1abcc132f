package dev.emailengine.dispatch.control;

import dev.emailengine.pacing.control.Pacer;
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
 * polling interval only bounds how long an idle worker sleeps. Before sending, it reserves room
 * under the rate limits ({@link Pacer}); without room the email goes back (postponed when its
 * domain is full, so the worker takes another at once; as it was when the server is full, and the
 * worker waits for the next slot holding nothing). While delivery is paused or the
 * SMTP server is out or throttling (see {@link SmtpCircuitBreaker}) it claims nothing. Nothing
 * thrown in a step ends the loop, an {@link Error} included: the worker backs off (1 s, doubling
 * to {@link #MAX_BACKOFF} while errors repeat) and carries on; only a stop request or an
 * interrupt ends it, and {@link WorkerPool} restarts a worker that ended without being asked to.
 */
public class Worker implements Runnable {

    private static final System.Logger LOG = System.getLogger(Worker.class.getName());
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final String id;
    private final MailQueue queue;
    private final Deliverer deliverer;
    private final SmtpConnection connection;
    private final SmtpCircuitBreaker breaker;
    private final PauseSwitch pause;
    private final Duration pollingInterval;
    private final Pacer pacer;

    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile boolean running;
    private volatile String currentEmail;
    private int consecutiveErrors;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong totalLatencyNanos = new AtomicLong();

    public Worker(String id, MailQueue queue, Deliverer deliverer, SmtpConnection connection,
            SmtpCircuitBreaker breaker, PauseSwitch pause, Duration pollingInterval) {
        this(id, queue, deliverer, connection, breaker, pause, pollingInterval, Pacer.UNLIMITED);
    }

    public Worker(String id, MailQueue queue, Deliverer deliverer, SmtpConnection connection,
            SmtpCircuitBreaker breaker, PauseSwitch pause, Duration pollingInterval, Pacer pacer) {
        this.pacer = pacer;
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
            while (!stopRequested && !Thread.currentThread().isInterrupted()) {
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
                case PROBE -> probe();
                case TRIAL -> trial();
                case SEND -> claimAndDeliver();
            }
            consecutiveErrors = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) { // an Error too: an OOM caused by one request must end no worker
            // A bug, an unavailable container service or a lack of memory must not end the
            // worker; back off so a persistent fault neither spins nor floods the log.
            consecutiveErrors++;
            logSafely(e);
            backOff();
        }
    }

    private void probe() {
        try {
            deliverer.probe(connection);
        } catch (RuntimeException | Error e) {
            breaker.probeFailed(String.valueOf(e));
            throw e;
        }
    }

    /** The breaker holds everyone for throttling: this worker's next email finds out whether it is over. */
    private void trial() throws InterruptedException {
        Deliverer.Outcome outcome = null;
        try {
            Optional<QueuedEmail> next = queue.claimNext();
            if (next.isEmpty() || !admitted(next.get())) {
                breaker.recordSuccess(); // nothing to send, nothing to be throttled; the next email will tell
                return;
            }
            outcome = deliver(next.get());
        } finally {
            if (outcome == null) {
                breaker.probeFailed("the trial delivery ended with an error");
            } else if (outcome != Deliverer.Outcome.DEFERRED_BY_THROTTLING
                    && outcome != Deliverer.Outcome.DEFERRED_BY_OUTAGE) {
                breaker.recordSuccess(); // the server answered on the email's own account
            }
        }
    }

    private void claimAndDeliver() throws InterruptedException {
        Optional<QueuedEmail> next = queue.claimNext();
        if (next.isPresent()) {
            if (admitted(next.get())) {
                deliver(next.get());
            }
        } else {
            connection.closeIfIdle();
            queue.awaitWork(pollingInterval);
        }
    }

    /**
     * Reserves room under the rate limits; false when there was none and the email went back.
     * Never waits holding the email: a full domain postpones it, a full server returns it as it
     * was before the worker waits for the server's next slot.
     */
    private boolean admitted(QueuedEmail email) throws InterruptedException {
        Pacer.Admission admission;
        try {
            admission = pacer.admit(email);
        } catch (RuntimeException | Error e) {
            queue.defer(email); // the limits could not be read (the database is away): try again later
            throw e;
        }
        if (admission instanceof Pacer.Postpone postpone) {
            queue.postpone(email, postpone.until());
            return false;
        }
        if (admission instanceof Pacer.Wait wait) {
            queue.defer(email);
            Duration pause = wait.duration().compareTo(pollingInterval) < 0 ? wait.duration() : pollingInterval;
            stopSignal.await(Math.max(1, pause.toNanos()), TimeUnit.NANOSECONDS);
            return false;
        }
        return true;
    }

    private Deliverer.Outcome deliver(QueuedEmail email) {
        currentEmail = email.id();
        long start = System.nanoTime();
        try {
            Deliverer.Outcome outcome = deliverer.deliver(email, connection);
            switch (outcome) {
                case SENT -> {
                    sent.incrementAndGet();
                    totalLatencyNanos.addAndGet(System.nanoTime() - start);
                }
                case RETRY_SCHEDULED, DEAD_LETTERED -> failed.incrementAndGet();
                case DEFERRED_BY_OUTAGE, DEFERRED_BY_THROTTLING, THROTTLED -> {
                    // not the email's failure; for the first two the breaker now holds every worker
                }
            }
            return outcome;
        } finally {
            currentEmail = null;
        }
    }

    private void logSafely(Throwable e) {
        try {
            LOG.log(Level.ERROR, id + " hit an unexpected error; continuing", e);
        } catch (Throwable ignored) { // out of memory even for the log line; backing off still helps
        }
    }

    private void backOff() {
        long seconds = FIRST_BACKOFF.toSeconds() << Math.min(consecutiveErrors - 1, 5);
        Duration wait = Duration.ofSeconds(Math.min(seconds, MAX_BACKOFF.toSeconds()));
        try {
            stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
