package dev.emailengine.queue.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.lang.reflect.UndeclaredThrowableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How Payara's pooled connection reports a dead database connection, and what the store sees. */
class PgDataSourceTest {

    private final SQLException closed = new SQLException("This connection has been closed.", "08003");

    @Test
    void anSqlExceptionTheContainerWrappedUndeclaredReachesTheStoreAsItself() throws Exception {
        // What Payara's connection proxy threw from setAutoCommit after `pg_ctl stop -m fast`.
        Connection containers = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, arguments) -> {
                    throw new UndeclaredThrowableException(new InvocationTargetException(closed));
                });
        Connection repaired = PgDataSource.of(new TestDataSource(containers)).getConnection();

        SQLException thrown = assertThrows(SQLException.class, () -> repaired.setAutoCommit(false));
        assertSame(closed, thrown);
    }

    @Test
    void aConnectionThePoolFoundDeadIsAskedForOnceMore() throws Exception {
        // What Payara's pool threw 100 ms after the database restarted, for an idle connection of before.
        var stale = new SQLException("Error in allocating a connection. Cause: This Managed Connection is not valid"
                + " as the physical connection is not usable");
        Connection fresh = connection();
        var container = new TestDataSource(stale, fresh);

        Connection handedOut = PgDataSource.of(container).getConnection();

        assertEquals(0, container.answers.size(), "asked twice");
        assertSame(fresh, handedOut.unwrap(Connection.class));
    }

    @Test
    void aDatabaseThatStaysAwayIsReportedWithBothFailures() {
        var first = new SQLException("Connection refused", "08001");
        var second = new SQLException("Connection refused again", "08001");
        var container = new TestDataSource(first, second, connection());

        SQLException thrown = assertThrows(SQLException.class, () -> PgDataSource.of(container).getConnection());

        assertSame(second, thrown);
        assertSame(first, thrown.getSuppressed()[0]);
        assertEquals(1, container.answers.size(), "asked twice, not more");
    }

    private Connection connection() {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "unwrap" -> proxy;
                    case "isValid" -> true;
                    default -> null;
                });
    }

    @Test
    void aConnectionWhoseStatementFoundTheDatabaseGoneIsAbortedSoThePoolDestroysIt() throws Exception {
        var calls = new ArrayList<String>();
        Connection repaired = PgDataSource.of(new TestDataSource(recording(calls,
                new SQLException("An I/O error occurred while sending to the backend.", "08006")))).getConnection();

        try (PreparedStatement statement = repaired.prepareStatement("UPDATE queued_email SET state = 'sent'")) {
            assertThrows(SQLException.class, statement::executeUpdate);
        }
        repaired.close();

        assertEquals(List.of("prepareStatement", "executeUpdate", "close", "abort"), calls,
                "aborted (which Payara, WildFly and Liberty destroy), not closed into the pool");
    }

    @Test
    void aConnectionWhoseStatementWasRefusedGoesBackToThePool() throws Exception {
        var calls = new ArrayList<String>();
        Connection repaired = PgDataSource.of(new TestDataSource(recording(calls,
                new SQLException("duplicate key value violates unique constraint", "23505")))).getConnection();

        try (PreparedStatement statement = repaired.prepareStatement("INSERT INTO queued_email VALUES (1)")) {
            assertThrows(SQLException.class, statement::executeUpdate);
        }
        repaired.close();

        assertEquals(List.of("prepareStatement", "executeUpdate", "close", "close"), calls);
    }

    @Test
    void afterALostConnectionEachOneHandedOutIsCheckedAndADeadOneReplaced() throws Exception {
        var calls = new ArrayList<String>();
        Connection dead = checkable(calls, "dead", false);
        Connection sound = checkable(calls, "sound", true);
        var container = new TestDataSource(new SQLException("Connection refused", "08001"), dead, sound);

        Connection handedOut = PgDataSource.of(container).getConnection();

        assertSame(sound, handedOut.unwrap(Connection.class));
        assertEquals(List.of("dead.isValid", "dead.abort", "sound.isValid"), calls);
    }

    @Test
    void whileAllIsWellNoConnectionIsChecked() throws Exception {
        var calls = new ArrayList<String>();
        Connection sound = checkable(calls, "sound", true);

        PgDataSource.of(new TestDataSource(sound)).getConnection();

        assertEquals(List.of(), calls, "no round trip added");
    }

    /** A container connection answering isValid with {@code valid}; calls recorded as name.method. */
    private Connection checkable(List<String> calls, String name, boolean valid) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "isValid" -> {
                        calls.add(name + ".isValid");
                        yield valid;
                    }
                    case "unwrap" -> proxy;
                    default -> {
                        calls.add(name + "." + method.getName());
                        yield null;
                    }
                });
    }

    @Test
    void aBrokenConnectionIsClosedWhereAbortingIsRefused() throws Exception {
        var calls = new ArrayList<String>();
        Connection refusesAbort = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, arguments) -> {
                    calls.add(method.getName());
                    if (method.getName().equals("abort")) {
                        throw new UnsupportedOperationException("Operation not supported in this runtime.");
                    }
                    return null;
                });

        PgDataSource.abort(refusesAbort);

        assertEquals(List.of("abort", "close"), calls);
    }

    /** A container connection whose statements fail with {@code failure} on execution; every call is recorded. */
    private Connection recording(List<String> calls, SQLException failure) {
        PreparedStatement statement = (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, arguments) -> {
                    calls.add(method.getName());
                    if (method.getName().startsWith("execute")) {
                        throw failure;
                    }
                    return null;
                });
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, arguments) -> {
                    calls.add(method.getName());
                    return method.getName().equals("prepareStatement") ? statement : null;
                });
    }

    @Test
    void otherFailuresPassUnchanged() {
        var bug = new IllegalStateException("a bug, not the database");
        assertSame(bug, PgDataSource.declared(bug));
        assertSame(closed, PgDataSource.declared(closed));
    }

    /** Answers each request for a connection with the next of its answers (a connection or a failure). */
    private static final class TestDataSource implements javax.sql.DataSource {
        final Deque<Object> answers;

        TestDataSource(Object... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public Connection getConnection() throws SQLException {
            Object answer = answers.removeFirst();
            if (answer instanceof SQLException failure) {
                throw failure;
            }
            return (Connection) answer;
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return null;
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            return null;
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
