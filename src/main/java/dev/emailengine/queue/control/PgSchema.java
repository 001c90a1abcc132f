package dev.emailengine.queue.control;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * The PostgreSQL store's schema, as versioned SQL files under {@code db/postgresql/} applied in
 * order at start-up. The files are listed here rather than found by scanning the class path,
 * which application servers each do differently; an advisory lock held by the migrating
 * transaction makes two instances starting at once apply each version exactly once.
 */
public final class PgSchema {

    private static final System.Logger LOG = System.getLogger(PgSchema.class.getName());
    /** Every migration, oldest first; a new one is added at the end, never edited once released. */
    static final List<String> MIGRATIONS = List.of("V1__queue.sql", "V2__quarantine.sql", "V3__suppressions.sql",
            "V4__rate_limits.sql", "V5__rate_limit_buckets.sql", "V6__retrying_index.sql", "V7__webhooks.sql");
    private static final long LOCK = 0x456d61696c456e67L; // "EmailEng"

    private PgSchema() {
    }

    /** Applies the migrations this database has not seen; returns how many it applied. */
    public static int migrate(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement sql = connection.createStatement()) {
                sql.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
                // Only the first start creates anything: afterwards a user that may read and write
                // the tables but not create any (least privilege) starts just as well.
                try (var exists = sql.executeQuery("SELECT to_regclass('email_engine_schema') IS NOT NULL")) {
                    exists.next();
                    if (!exists.getBoolean(1)) {
                        sql.execute("CREATE TABLE email_engine_schema (version integer PRIMARY KEY,"
                                + " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
                    }
                }
                int current;
                try (var rs = sql.executeQuery("SELECT coalesce(max(version), 0) FROM email_engine_schema")) {
                    rs.next();
                    current = rs.getInt(1);
                }
                if (current > MIGRATIONS.size()) {
                    throw new IllegalStateException("the database's schema is version " + current + ", newer than this"
                            + " release knows (" + MIGRATIONS.size() + "): run the newer release, or a new database");
                }
                int applied = 0;
                for (int version = current + 1; version <= MIGRATIONS.size(); version++) {
                    String name = MIGRATIONS.get(version - 1);
                    sql.execute(read(name));
                    try (var insert = connection.prepareStatement(
                            "INSERT INTO email_engine_schema (version, name) VALUES (?, ?)")) {
                        insert.setInt(1, version);
                        insert.setString(2, name);
                        insert.executeUpdate();
                    }
                    applied++;
                    LOG.log(Level.INFO, "applied schema migration {0}", name);
                }
                connection.commit();
                return applied;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static String read(String name) {
        try (InputStream in = PgSchema.class.getResourceAsStream("/db/postgresql/" + name)) {
            if (in == null) {
                throw new IllegalStateException("migration " + name + " is missing from the application");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + name, e);
        }
    }
}
