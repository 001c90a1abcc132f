package dev.emailengine.queue.control;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>And a third: a connection that failed because its database connection is gone is aborted,
 * not closed, so the pool destroys it instead of keeping it for the next request (Payara takes a
 * closed connection back as if it were sound), and for a minute after such a loss each connection
 * handed out is checked before use, a dead one replaced. Without both, POSTs in the first second
 * after the database came back met the LISTEN connection held through the outage and others closed
 * during it, and got 503s (ClusterIT, in CI).
 */
final class PgDataSource implements DataSource {

    /** A failure quicker than this was the pool's own verdict, not a wait for the network. */
    private static final long QUICK_FAILURE_NANOS = 1_000_000_000L;
    /** How long after the last lost connection every connection handed out is checked first. */
    private static final long WATCHFUL_NANOS = 60_000_000_000L;
    /** Dead connections replaced for one request at most; then the last one is used and fails. */
    private static final int MAX_REPLACED = 8;
    private static final int VALID_SECONDS = 2;

    private final DataSource container;
    private volatile boolean lostOne;
    private volatile long lostAt;

    private PgDataSource(DataSource container) {
        this.container = container;
    }

    static DataSource of(DataSource container) {
        return container instanceof PgDataSource ? container : new PgDataSource(container);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return repaired(checkedAfterALoss(askedAgainIfQuicklyRefused(container::getConnection),
                container::getConnection));
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        ConnectionSource source = () -> container.getConnection(user, password);
        return repaired(checkedAfterALoss(askedAgainIfQuicklyRefused(source), source));
    }

    private Connection askedAgainIfQuicklyRefused(ConnectionSource source) throws SQLException {
        long start = System.nanoTime();
        try {
            return source.get();
        } catch (SQLException e) {
            if (System.nanoTime() - start > QUICK_FAILURE_NANOS) {
                throw e;
            }
            lost();
            try {
                return source.get();
            } catch (SQLException again) {
                again.addSuppressed(e);
                throw again;
            }
        }
    }

    /**
     * For a minute after a connection was lost, each one handed out is checked (one round trip)
     * and a dead one destroyed and replaced: Payara validates a pooled connection at most every
     * 10 s, so after the database restarted its pool still held connections from before (the
     * LISTEN connection, ones closed during the outage), and requests right after the restart
     * got them and a 503 (ClusterIT, in CI). Costs nothing while all is well.
     */
    private Connection checkedAfterALoss(Connection connection, ConnectionSource source) throws SQLException {
        if (!lostOne || System.nanoTime() - lostAt > WATCHFUL_NANOS) {
            return connection;
        }
        Connection candidate = connection;
        for (int replaced = 0; replaced < MAX_REPLACED && !valid(candidate); replaced++) {
            abort(candidate);
            candidate = source.get();
        }
        return candidate;
    }

    private static boolean valid(Connection connection) {
        try {
            return connection.isValid(VALID_SECONDS);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private void lost() {
        lostAt = System.nanoTime();
        lostOne = true;
    }

    @FunctionalInterface
    private interface ConnectionSource {
        Connection get() throws SQLException;
    }

    private Connection repaired(Connection connection) {
        var broken = new AtomicBoolean();
        return (Connection) Proxy.newProxyInstance(PgDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("close") && broken.get()) {
                        abort(connection);
                        return null;
                    }
                    Object result = invoke(connection, method, arguments, broken);
                    return result instanceof Statement statement && method.getReturnType().isInterface()
                            ? watched(statement, method.getReturnType(), broken) : result;
                });
    }

    /** A statement whose failures mark its connection broken when the database connection is gone. */
    private Object watched(Statement statement, Class<?> type, AtomicBoolean broken) {
        return Proxy.newProxyInstance(PgDataSource.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, arguments) -> invoke(statement, method, arguments, broken));
    }

    private Object invoke(Object target, Method method, Object[] arguments, AtomicBoolean broken) throws Throwable {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            Throwable failure = declared(e.getCause());
            if (failure instanceof SQLException sql && PgOutage.isOutage(sql)) {
                broken.set(true);
                lost();
            }
            throw failure;
        }
    }

    /**
     * Gives a broken connection back for the pool to destroy ({@code abort} marks it for removal on
     * Payara, WildFly and Liberty); where aborting is refused, it is closed as before.
     */
    static void abort(Connection connection) throws SQLException {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException | AbstractMethodError refused) {
            connection.close();
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
