package dev.emailengine.dispatch.control;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the workers as tasks of the server's executor and keeps them running: a worker survives
 * whatever its steps throw, but its task can still end (an interrupt, an error in its own error
 * handling, a task cancelled by the container), and a pool that silently shrank would leave
 * mail waiting with nothing to show for it. So every {@code checkEvery} the pool looks for tasks
 * that ended without a stop request and starts the worker again.
 */
public class WorkerPool {

    private static final System.Logger LOG = System.getLogger(WorkerPool.class.getName());

    private final ScheduledExecutorService executor;
    private final List<Worker> workers;
    private final List<Future<?>> tasks = new ArrayList<>();
    private ScheduledFuture<?> supervision;
    private boolean stopping;
    private long restarts;

    public WorkerPool(ScheduledExecutorService executor, List<Worker> workers) {
        this.executor = executor;
        this.workers = List.copyOf(workers);
    }

    public synchronized void start(Duration checkEvery) {
        for (Worker worker : workers) {
            tasks.add(executor.submit(worker));
        }
        supervision = executor.scheduleWithFixedDelay(this::replaceEnded, checkEvery.toMillis(), checkEvery.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Starts again every worker whose task ended although nobody asked it to stop. */
    synchronized void replaceEnded() {
        for (int i = 0; i < tasks.size() && !stopping; i++) {
            Future<?> task = tasks.get(i);
            if (!task.isDone()) {
                continue;
            }
            Worker worker = workers.get(i);
            try {
                LOG.log(Level.WARNING, "{0} ended unexpectedly ({1}); starting it again", worker.id(), why(task));
                tasks.set(i, executor.submit(worker));
                restarts++;
            } catch (Throwable e) {
                // The executor refused (it is shutting down, or full), or the JVM is short of memory:
                // the next check tries again. Nothing may escape, or the executor would cancel this check.
                LOG.log(Level.ERROR, "{0} could not be restarted: {1}", worker.id(), e.getMessage());
            }
        }
    }

    private static String why(Future<?> task) {
        try {
            task.get(0, TimeUnit.MILLISECONDS);
            return "returned";
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        } catch (CancellationException e) {
            return "cancelled";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (TimeoutException e) {
            return "still running";
        }
    }

    /** Asks every worker to stop after its current email; call {@link #awaitStop} after waking them. */
    public synchronized void requestStop() {
        stopping = true;
        if (supervision != null) {
            supervision.cancel(false);
        }
        workers.forEach(Worker::requestStop);
    }

    /** Waits up to {@code grace} for the workers to finish, then interrupts the rest. */
    public void awaitStop(Duration grace) {
        List<Future<?>> running;
        synchronized (this) {
            running = List.copyOf(tasks);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (Future<?> task : running) {
            try {
                task.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // An email still being sent when the grace ends stays claimed; start-up requeues it.
                task.cancel(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                task.cancel(true);
            } catch (ExecutionException | CancellationException e) {
                LOG.log(Level.WARNING, "a worker ended with an error: {0}", e.getMessage());
            }
        }
    }

    public List<Worker> workers() {
        return workers;
    }

    /** How many times a worker was started again; for tests and logs. */
    public synchronized long restarts() {
        return restarts;
    }
}
