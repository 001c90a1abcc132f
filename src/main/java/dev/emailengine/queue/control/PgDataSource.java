package dev.emailengine.queue.control;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The container's DataSource with one repair: a connection's failures reach the store as the
 * {@link SQLException}s its methods declare. Payara's pooled connection, once its database
 * connection died (the server restarted, say), throws {@code UndeclaredThrowableException} around
 * the driver's {@code SQLException} from some methods ({@code setAutoCommit}, {@code rollback},
 * {@code unwrap}), which no {@code catch (SQLException)} sees: requests got 500 instead of 503, and
 * the LISTEN connection was never replaced. ClusterIT's database outage found it.
 *
 * <p>And a second: a connection the pool finds dead when it hands it out is asked for once more.
 * After the database restarted, Payara's pool validated an idle connection from before the
 * restart, found it broken and failed the request ("This Managed Connection is not valid as the
 * physical connection is not usable") rather than opening a new one: a POST 100 ms after the
 * database was back got a 503 (ClusterIT, in CI). The pool has by then dropped its idle
 * connections, so the second request opens a fresh one. Only a quick failure is asked again: one
 * that took a connect timeout (a database that drops packets) would only double the wait.
 */
final class PgDataSource implements DataSource {

    /** A failure quicker than this was the pool's own verdict, not a wait for the network. */
    private static final long QUICK_FAILURE_NANOS = 1_000_000_000L;

    private final DataSource container;

    private PgDataSource(DataSource container) {
        this.container = container;
    }

    static DataSource of(DataSource container) {
        return container instanceof PgDataSource ? container : new PgDataSource(container);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return repaired(askedAgainIfQuicklyRefused(container::getConnection));
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return repaired(askedAgainIfQuicklyRefused(() -> container.getConnection(user, password)));
    }

    private static Connection askedAgainIfQuicklyRefused(ConnectionSource source) throws SQLException {
        long start = System.nanoTime();
        try {
            return source.get();
        } catch (SQLException e) {
            if (System.nanoTime() - start > QUICK_FAILURE_NANOS) {
                throw e;
            }
            try {
                return source.get();
            } catch (SQLException again) {
                again.addSuppressed(e);
                throw again;
            }
        }
    }

    @FunctionalInterface
    private interface ConnectionSource {
        Connection get() throws SQLException;
    }

    private static Connection repaired(Connection connection) {
        return (Connection) Proxy.newProxyInstance(PgDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, arguments) -> invoke(connection, method, arguments));
    }

    private static Object invoke(Connection connection, Method method, Object[] arguments) throws Throwable {
        try {
            return method.invoke(connection, arguments);
        } catch (InvocationTargetException e) {
            throw declared(e.getCause());
        }
    }

    /** The failure as thrown, or the SQLException inside it when the pool wrapped one. */
    static Throwable declared(Throwable failure) {
        if (failure instanceof SQLException || failure instanceof Error) {
            return failure;
        }
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return sql;
            }
        }
        return failure;
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return container.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        container.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        container.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return container.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return container.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return container.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return container.isWrapperFor(type);
    }
}
