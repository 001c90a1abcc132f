package dev.emailengine.queue.control;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.lang.reflect.UndeclaredThrowableException;
import java.sql.Connection;
import java.sql.SQLException;
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
    void otherFailuresPassUnchanged() {
        var bug = new IllegalStateException("a bug, not the database");
        assertSame(bug, PgDataSource.declared(bug));
        assertSame(closed, PgDataSource.declared(closed));
    }

    /** Hands out one connection; everything else is unused here. */
    private record TestDataSource(Connection connection) implements javax.sql.DataSource {
        @Override
        public Connection getConnection() {
            return connection;
        }

        @Override
        public Connection getConnection(String user, String password) {
            return connection;
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
