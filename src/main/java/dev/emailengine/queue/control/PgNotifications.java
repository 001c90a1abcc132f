package dev.emailengine.queue.control;

import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The one use of the PostgreSQL driver's own API, kept apart: when a server hides the driver's
 * classes from the application, loading this class fails, and only wake-ups fall back to polling.
 */
final class PgNotifications {

    private PgNotifications() {
    }

    /** Waits up to {@code millis} for notifications on a listening connection; returns how many came. */
    static int receive(Connection connection, int millis) throws SQLException {
        PGConnection listening = connection.unwrap(PGConnection.class);
        PGNotification[] received;
        try {
            received = listening.getNotifications(millis);
        } catch (RuntimeException e) {
            // Payara hands out the driver's connection behind a proxy of its own, which wraps the
            // SQLException of a connection the database closed (see PgDataSource).
            if (PgDataSource.declared(e) instanceof SQLException sql) {
                throw sql;
            }
            throw e;
        }
        return received == null ? 0 : received.length;
    }
}
