package dev.emailengine.testing;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A database of its own on the real PostgreSQL server the tests use (.ci/run starts one), created
 * for a test class and dropped after it. Connection settings come from the usual {@code PG*}
 * variables: {@code PGHOST} (127.0.0.1), {@code PGPORT} (5432), {@code PGUSER} (postgres),
 * {@code PGPASSWORD} (none). A server that cannot be reached fails the test: nothing is skipped.
 */
public final class TestDatabase implements DataSource, AutoCloseable {

    private final String name = "emailengine_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private volatile boolean failing;

    private TestDatabase() throws SQLException {
        try (Connection admin = DriverManager.getConnection(url("postgres"), properties());
                var sql = admin.createStatement()) {
            sql.execute("CREATE DATABASE " + name);
        }
    }

    public static TestDatabase create() {
        try {
            return new TestDatabase();
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is needed at " + url("postgres")
                    + " (set PGHOST/PGPORT/PGUSER/PGPASSWORD; .ci/run starts the local server): " + e.getMessage(), e);
        }
    }

    /** From now on every new connection fails, as when the database goes away. */
    public void breakConnections(boolean broken) {
        failing = broken;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (failing) {
            throw new SQLException("connection refused (the test broke the database)", "08001");
        }
        return DriverManager.getConnection(url(name), properties());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return getConnection();
    }

    /** The JDBC URL of this database, as a server's DB_URL. */
    public String jdbcUrl() {
        return url(name);
    }

    /** The settings that point a server's jdbc/emailengine at this database (DB_URL, DB_USER, DB_PASSWORD). */
    public Map<String, String> serverSettings() {
        var settings = new HashMap<String, String>();
        settings.put("DB_URL", jdbcUrl());
        settings.put("DB_USER", env("PGUSER", "postgres"));
        String password = System.getenv("PGPASSWORD");
        if (password != null) {
            settings.put("DB_PASSWORD", password);
        }
        return settings;
    }

    /** Whether the PostgreSQL store has finished the email with this id (its row in finished_email). */
    public boolean finished(String id) {
        try (Connection c = getConnection();
                var query = c.prepareStatement("SELECT 1 FROM finished_email WHERE id = ?")) {
            query.setString(1, id);
            try (var rows = query.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read finished_email of " + name + ": " + e.getMessage(), e);
        }
    }

    /** Empties every table of the application's schema (the schema itself stays). */
    public void truncateAll() {
        try (Connection c = getConnection(); var sql = c.createStatement()) {
            sql.execute("DO $$ DECLARE t record; BEGIN FOR t IN SELECT tablename FROM pg_tables"
                    + " WHERE schemaname = 'public' AND tablename <> 'email_engine_schema'"
                    + " LOOP EXECUTE 'TRUNCATE TABLE ' || quote_ident(t.tablename) || ' RESTART IDENTITY CASCADE'; END LOOP; END $$");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot empty " + name, e);
        }
    }

    @Override
    public void close() {
        try (Connection admin = DriverManager.getConnection(url("postgres"), properties());
                var sql = admin.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop " + name, e);
        }
    }

    private static String url(String database) {
        return "jdbc:postgresql://" + env("PGHOST", "127.0.0.1") + ":" + env("PGPORT", "5432") + "/" + database;
    }

    private static Properties properties() {
        var p = new Properties();
        p.setProperty("user", env("PGUSER", "postgres"));
        String password = System.getenv("PGPASSWORD");
        if (password != null) {
            p.setProperty("password", password);
        }
        return p;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
