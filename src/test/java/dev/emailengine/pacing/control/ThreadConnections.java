package dev.emailengine.pacing.control;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import javax.sql.DataSource;

/**
 * A data source that keeps one connection per thread, as the server's pool lets a worker: a new
 * connection per request costs more than a slot. Closing one only resets its auto-commit.
 */
final class ThreadConnections {

    private ThreadConnections() {
    }

    static DataSource over(DataSource database) {
        ThreadLocal<Connection> connections = new ThreadLocal<>();
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                        return method.invoke(database, args);
                    }
                    Connection c = connections.get();
                    if (c == null) {
                        Connection real = database.getConnection();
                        c = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                                new Class<?>[] {Connection.class}, (p, m, a) -> {
                                    if (m.getName().equals("close")) {
                                        real.setAutoCommit(true);
                                        return null;
                                    }
                                    try {
                                        return m.invoke(real, a);
                                    } catch (InvocationTargetException e) {
                                        throw e.getCause();
                                    }
                                });
                        connections.set(c);
                    }
                    return c;
                });
    }
}
