package dev.emailengine.dispatch.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the server's trouble from being blamed on the emails. While the server cannot be reached
 * (or refuses the login), or says it is throttling us, workers stop claiming mail; one of them
 * probes at growing intervals (base, 2·base, ... up to max), and the first success lets everyone
 * go again. Emails therefore keep their retry budget through an outage or a throttle of any
 * length.
 * <p>
 * Throttling is a {@code 421} reply, or {@value #THROTTLE_SIGNS} different emails meeting
 * {@code 4.7.x} replies with no success in between: one such reply may be about that email (a
 * greylist), several in a row are about us. Its probe is a real delivery ({@link Permit#TRIAL}),
 * since a throttling server still accepts connections.
 */
public class SmtpCircuitBreaker {

    /** Different emails throttled in a row before the server as a whole counts as throttling. */
    static final int THROTTLE_SIGNS = 3;

    public enum State {
        CLOSED, OPEN, PROBING
    }

    /** Why the breaker is open. */
    public enum Cause {
        OUTAGE, THROTTLING
    }

    /** One consistent view for status pages: cause, error and probe time are null while closed. */
    public record Snapshot(State state, Cause cause, String lastError, Instant nextProbeAt) {
    }

    private final Duration baseInterval;
    private final Duration maxInterval;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    private State state = State.CLOSED;
    private Cause cause;
    private Duration interval;
    private Instant probeAt = Instant.MIN;
    private String lastError;
    private final Set<String> throttledEmails = new HashSet<>();

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
        /**
         * You are the one prober of an outage: connect afresh, then report {@link #recordSuccess()}
         * or {@link #recordOutage}.
         */
        PROBE,
        /**
         * You are the one prober of a throttle: deliver one email; its outcome reports back, and
         * {@link #recordSuccess()} when the server answered it in any other way than throttling.
         */
        TRIAL,
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
                return cause == Cause.THROTTLING ? Permit.TRIAL : Permit.PROBE;
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
            throttledEmails.clear();
            if (state != State.CLOSED) {
                state = State.CLOSED;
                cause = null;
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
            open(Cause.OUTAGE, error);
            return opening;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A throttling reply to one email ({@link DeliveryFailure#throttling()}).
     *
     * @param serverWide a {@code 421}: opens the breaker at once
     * @return true when the email is to be held back untouched, the breaker being open now;
     *         false when this is, so far, that email's own transient failure
     */
    public boolean recordThrottling(String emailId, String error, boolean serverWide) {
        lock.lock();
        try {
            if (state == State.CLOSED) {
                throttledEmails.add(emailId);
                if (!serverWide && throttledEmails.size() < THROTTLE_SIGNS) {
                    return false;
                }
            }
            if (state == State.OPEN && cause == Cause.OUTAGE) {
                return true; // an email sent before the outage began; the outage probe decides
            }
            open(Cause.THROTTLING, error);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The prober's attempt ended without a verdict (it hit an error of its own): try again later. */
    public void probeFailed(String error) {
        lock.lock();
        try {
            if (state == State.PROBING) {
                open(cause, error);
            }
        } finally {
            lock.unlock();
        }
    }

    /** From closed: the first probe after the base interval; from a failed probe: twice the last wait. */
    private void open(Cause why, String error) {
        if (state == State.CLOSED) {
            interval = baseInterval;
        } else if (state == State.PROBING) {
            interval = interval.multipliedBy(2).compareTo(maxInterval) > 0 ? maxInterval : interval.multipliedBy(2);
        }
        if (state != State.OPEN) {
            probeAt = clock.instant().plus(interval);
        }
        state = State.OPEN;
        cause = why;
        lastError = error;
        changed.signalAll();
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

    /** State, cause, error and next probe as of one moment. */
    public Snapshot snapshot() {
        lock.lock();
        try {
            return state == State.CLOSED ? new Snapshot(State.CLOSED, null, null, null)
                    : new Snapshot(state, cause, lastError, probeAt);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The error that opened or kept the breaker open for an outage, or null: a throttling server
     * still answers, so health checks do not report it.
     */
    public String lastError() {
        lock.lock();
        try {
            return state == State.CLOSED || cause != Cause.OUTAGE ? null : lastError;
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
