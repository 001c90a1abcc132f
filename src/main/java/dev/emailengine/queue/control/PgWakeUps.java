package dev.emailengine.queue.control;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * Wake-ups across instances. After a commit that queued mail the store announces it on
 * {@value #CHANNEL}; one idle worker of each instance at a time listens on a connection of its
 * own and wakes the others, who poll meanwhile (also the fallback when the driver's API is out of
 * the application's reach or the listening connection breaks).
 * <p>
 * Announcements are spaced: PostgreSQL serialises the commits of notifying transactions (a
 * notify in every enqueue measured 2,700 inserts/s against 9,000 without, with pgbench at 32
 * clients), so at most one goes out per {@link #SPACING_NANOS}. One that falls inside the spacing
 * is owed, and sent by the next announcement, claim or listening slice after it, so under load the
 * notifications cost nearly nothing, and an idle cluster hears of every email at once.
 */
final class PgWakeUps {

    static final String CHANNEL = "emailengine_queue";
    private static final System.Logger LOG = System.getLogger(PgWakeUps.class.getName());
    /** How long the listener waits on the socket between looks at whether it was woken locally. */
    private static final int SLICE_MILLIS = 200;

    private final DataSource dataSource;
    private final ReentrantLock listener = new ReentrantLock();
    private final Object waiters = new Object();
    private volatile Connection connection; // used by the listener; dropped by close() too
    private volatile boolean unavailable;
    private volatile boolean closed;
    private final AtomicLong localWakeUps = new AtomicLong();
    static final long SPACING_NANOS = 10_000_000;
    private final AtomicLong lastAnnounced = new AtomicLong(System.nanoTime() - SPACING_NANOS);
    private volatile boolean owed;

    PgWakeUps(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Whether notifications reach this instance (so idle workers may poll less often). */
    boolean listening() {
        return !unavailable;
    }

    /**
     * Waits for new mail up to {@code max} or {@code poll}, whichever is shorter: one caller
     * listens (and wakes the others when a notification comes), the others wait for it.
     */
    void await(Duration max, Duration poll) throws InterruptedException {
        long millis = Math.max(1, Math.min(max.toMillis(), poll.toMillis()));
        if (!unavailable && listener.tryLock()) {
            try {
                listen(millis);
            } finally {
                listener.unlock();
            }
            return;
        }
        synchronized (waiters) {
            waiters.wait(millis);
        }
    }

    /** Tells every instance that mail was queued (call after the commit); spaced, see above. */
    void announce() {
        long last = lastAnnounced.get();
        long now = System.nanoTime();
        if (now - last < SPACING_NANOS || !lastAnnounced.compareAndSet(last, now)) {
            owed = true;
            return;
        }
        owed = false;
        try (Connection c = dataSource.getConnection(); Statement notify = c.createStatement()) {
            notify.execute("NOTIFY " + CHANNEL);
        } catch (SQLException e) {
            // Polling finds the mail; the outage, if it is one, shows on the next statement.
            LOG.log(Level.DEBUG, "could not notify {0}: {1}", CHANNEL, e.getMessage());
        }
    }

    /** Sends an announcement owed since the last one, once the spacing allows. */
    void settle() {
        if (owed && System.nanoTime() - lastAnnounced.get() >= SPACING_NANOS) {
            announce();
        }
    }

    /** Waits up to {@code max} or until woken, without listening (the database does not answer). */
    void pause(Duration max) throws InterruptedException {
        synchronized (waiters) {
            waiters.wait(Math.max(1, max.toMillis()));
        }
    }

    void wakeAll() {
        localWakeUps.incrementAndGet();
        synchronized (waiters) {
            waiters.notifyAll();
        }
    }

    /** In slices, so a local wake-up (a shutdown, say) reaches the listener too. */
    private void listen(long millis) throws InterruptedException {
        long woken = localWakeUps.get();
        long deadline = System.nanoTime() + millis * 1_000_000;
        try {
            Connection listening = open();
            for (long left = millis; left > 0 && localWakeUps.get() == woken && !Thread.currentThread().isInterrupted();
                    left = (deadline - System.nanoTime()) / 1_000_000) {
                settle();
                if (PgNotifications.receive(listening, (int) Math.min(left, SLICE_MILLIS)) > 0) {
                    wakeAll();
                    return;
                }
            }
        } catch (SQLException | LinkageError e) {
            boolean unsupported = e instanceof LinkageError || (e instanceof SQLException sql && isUnwrapFailure(sql));
            if (unsupported) {
                giveUp(e);
            } else {
                // Broken (the database restarted, say): reopened by the next listen; meanwhile a poll.
                LOG.log(Level.DEBUG, "the LISTEN connection failed: {0}", e.getMessage());
            }
            dropConnection(!unsupported);
            synchronized (waiters) {
                waiters.wait(millis);
            }
        }
    }

    /** A server that wraps connections may refuse to unwrap them to the driver's class. */
    private static boolean isUnwrapFailure(SQLException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return message.contains("unwrap") || message.contains("wrapper");
    }

    private Connection open() throws SQLException {
        if (closed) {
            throw new SQLException("the application is stopping");
        }
        if (connection == null) {
            Connection opened = dataSource.getConnection();
            try {
                opened.setAutoCommit(true);
                try (Statement listen = opened.createStatement()) {
                    listen.execute("LISTEN " + CHANNEL);
                }
            } catch (SQLException e) {
                opened.close();
                throw e;
            }
            connection = opened;
        }
        return connection;
    }

    private void giveUp(Throwable e) {
        if (!unavailable) {
            unavailable = true;
            LOG.log(Level.WARNING, "LISTEN/NOTIFY is unavailable ({0}): the JDBC driver''s classes are out of"
                    + " the application''s reach; idle workers poll the queue instead", String.valueOf(e));
        }
    }

    /** Says at start-up whether wake-ups work: one short listen opens the connection. */
    void start() throws InterruptedException {
        if (!listener.tryLock()) {
            return;
        }
        try {
            listen(1);
            if (!unavailable && connection != null) {
                LOG.log(Level.INFO, "LISTEN/NOTIFY wake-ups are on: an idle instance sends within moments of"
                        + " an email accepted by any instance");
            }
        } finally {
            listener.unlock();
        }
    }

    /** For good: the listening connection goes back to the pool, and no worker opens another. */
    void close() {
        closed = true;
        unavailable = true;
        wakeAll();
        dropConnection(false);
    }

    /**
     * A broken one failed through the driver's own API, which the pool does not watch: it is
     * aborted, so the pool destroys it rather than handing it to a request (see PgDataSource).
     */
    private void dropConnection(boolean broken) {
        Connection open = connection;
        connection = null;
        if (open != null) {
            try {
                if (broken) {
                    PgDataSource.abort(open);
                } else {
                    open.close();
                }
            } catch (SQLException ignored) { // already broken
            }
        }
    }
}
