package dev.emailengine.dispatch.control;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Lets an operator hold delivery (a maintenance window) without stopping intake. */
public class PauseSwitch {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition resumed = lock.newCondition();
    private volatile boolean paused;

    public void pause() {
        paused = true;
    }

    public void resume() {
        lock.lock();
        try {
            paused = false;
            resumed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean paused() {
        return paused;
    }

    /** Returns when resumed, woken, or after {@code max}. */
    public void awaitResume(Duration max) throws InterruptedException {
        lock.lock();
        try {
            if (paused) {
                resumed.await(max.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    public void wakeAll() {
        lock.lock();
        try {
            resumed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
