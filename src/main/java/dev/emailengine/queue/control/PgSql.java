package dev.emailengine.queue.control;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** One-statement helpers of the PostgreSQL store, each on a connection of its own. */
final class PgSql {

    private static final System.Logger LOG = System.getLogger(PgSql.class.getName());

    private PgSql() {
    }

    static int update(DataSource dataSource, String sql, Object... parameters) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            bind(statement, parameters);
            return statement.executeUpdate();
        }
    }

    /** As above, on the caller's connection. */
    static int update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            bind(statement, parameters);
            return statement.executeUpdate();
        }
    }

    /** An update whose failure is logged, not thrown: the row's lease runs out and it is retried. */
    static int updateQuietly(DataSource dataSource, String sql, Object... parameters) {
        try {
            return update(dataSource, sql, parameters);
        } catch (SQLException e) {
            LOG.log(Level.ERROR, "PostgreSQL update failed: {0}", e.getMessage());
            return 0;
        }
    }

    /** The first column of the first row, as text. */
    static Optional<String> single(DataSource dataSource, String sql, Object... parameters) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return single(c, sql, parameters);
        }
    }

    /** As above, on the caller's connection (inside its transaction). */
    static Optional<String> single(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    static List<String> strings(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement statement = c.prepareStatement(sql);
                ResultSet rs = statement.executeQuery()) {
            var values = new ArrayList<String>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }
}
