package dev.emailengine.queue.control;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether PostgreSQL answers, as the store last found it. Like an SMTP outage: the first failure
 * is logged once (not once per request or per worker poll), the recovery once, and while it lasts
 * the health checks say why and idle workers wait longer between tries.
 */
final class PgOutage {

    private static final System.Logger LOG = System.getLogger(PgOutage.class.getName());

    private final Clock clock;
    private volatile Instant since;
    private volatile String reason;
    private volatile Instant recoveredAt;

    PgOutage(Clock clock) {
        this.clock = clock;
    }

    /** A statement or a connection failed. */
    void failed(SQLException e) {
        reason = describe(e);
        if (since == null) {
            synchronized (this) {
                if (since == null) {
                    since = clock.instant();
                    LOG.log(Level.WARNING, "PostgreSQL is unreachable ({0}): new emails are refused with 503 and"
                            + " the workers wait until it answers again; nothing accepted is lost", reason);
                }
            }
        }
    }

    /** A statement succeeded: cheap enough to call after every one (a volatile read while all is well). */
    void succeeded() {
        if (since != null) {
            synchronized (this) {
                if (since != null) {
                    LOG.log(Level.WARNING, "PostgreSQL answers again after {0} s; sending resumes",
                            Math.max(0, Duration.between(since, clock.instant()).toSeconds()));
                    since = null;
                    recoveredAt = clock.instant();
                }
            }
        }
    }

    boolean down() {
        return since != null;
    }

    /** Up, and for at least {@code time} since the last outage ended (or there was none). */
    boolean upFor(Duration time) {
        Instant recovered = recoveredAt;
        return since == null && (recovered == null || !clock.instant().isBefore(recovered.plus(time)));
    }

    /** When the last outage ended; null if there was none. */
    Instant recoveredAt() {
        return recoveredAt;
    }

    /**
     * Whether a failure means the database cannot be reached or used now (connection, shutdown,
     * resources; or no SQLState, as a pool reports it cannot hand out a connection), rather than
     * a fault of the statement (a constraint, a privilege, a bug), which waiting does not cure.
     */
    static boolean isOutage(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                || state.startsWith("58");
    }

    /** Why the store cannot take mail now, for the health checks. */
    Optional<String> problem() {
        return since == null ? Optional.empty()
                : Optional.of("PostgreSQL unreachable since " + since + ": " + reason);
    }

    /** The driver's message, and the cause's when a pool wraps it (Payara says little on its own). */
    static String describe(SQLException e) {
        String message = String.valueOf(e.getMessage());
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message += " (" + cause.getMessage() + ")";
        }
        return message.lines().findFirst().orElse(message);
    }
}
