package dev.emailengine.dispatch.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps an SMTP outage from being blamed on the emails. While the server cannot be reached (or
 * refuses the login), workers stop claiming mail; one of them probes the server at growing
 * intervals (base, 2·base, ... up to max), and the first successful connection lets everyone go
 * again. Emails therefore keep their retry budget through an outage of any length.
 */
public class SmtpCircuitBreaker {

    public enum State {
        CLOSED, OPEN, PROBING
    }

    private final Duration baseInterval;
    private final Duration maxInterval;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    private State state = State.CLOSED;
    private Duration interval;
    private Instant probeAt = Instant.MIN;
    private String lastError;

    public SmtpCircuitBreaker(Duration baseInterval, Duration maxInterval, Clock clock) {
        this.baseInterval = baseInterval;
        this.maxInterval = maxInterval;
        this.clock = clock;
        this.interval = baseInterval;
    }

    /** What a worker may do now. */
    public enum Permit {
        /** Send as usual. */
        SEND,
        /** You are the one prober: connect, then report {@link #recordSuccess()} or {@link #recordOutage}. */
        PROBE,
        /** Wait; someone else probes or the next probe is not due. */
        WAIT
    }

    public Permit acquire() {
        lock.lock();
        try {
            if (state == State.CLOSED) {
                return Permit.SEND;
            }
            if (state == State.OPEN && !clock.instant().isBefore(probeAt)) {
                state = State.PROBING;
                return Permit.PROBE;
            }
            return Permit.WAIT;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the state changes, the next probe is due, or {@code max} passes. */
    public void awaitChange(Duration max) throws InterruptedException {
        lock.lock();
        try {
            if (state == State.CLOSED) {
                return;
            }
            long untilProbe = state == State.OPEN ? Duration.between(clock.instant(), probeAt).toMillis() : Long.MAX_VALUE;
            long wait = Math.min(max.toMillis(), untilProbe);
            if (wait > 0) {
                changed.await(wait, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    public void recordSuccess() {
        lock.lock();
        try {
            if (state != State.CLOSED) {
                state = State.CLOSED;
                interval = baseInterval;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return true when this report opened the breaker (the outage just began) */
    public boolean recordOutage(String error) {
        lock.lock();
        try {
            boolean opening = state == State.CLOSED;
            if (opening) {
                interval = baseInterval;
            } else if (state == State.PROBING) {
                interval = interval.multipliedBy(2).compareTo(maxInterval) > 0 ? maxInterval : interval.multipliedBy(2);
            }
            if (state != State.OPEN) {
                probeAt = clock.instant().plus(interval);
            }
            state = State.OPEN;
            lastError = error;
            changed.signalAll();
            return opening;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes waiting workers, for shutdown. */
    public void wakeAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** The error that opened or kept the breaker open, or null while closed. */
    public String lastError() {
        lock.lock();
        try {
            return state == State.CLOSED ? null : lastError;
        } finally {
            lock.unlock();
        }
    }

    public Instant nextProbeAt() {
        lock.lock();
        try {
            return state == State.CLOSED ? null : probeAt;
        } finally {
            lock.unlock();
        }
    }
}
