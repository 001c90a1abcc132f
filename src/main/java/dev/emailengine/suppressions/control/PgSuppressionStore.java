package dev.emailengine.suppressions.control;

import dev.emailengine.suppressions.entity.Suppression;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The suppression list in the queue's PostgreSQL ({@code suppression}, migration V3), shared by
 * every instance. The address is the primary key, compared byte for byte ({@code COLLATE "C"}),
 * so a lookup is one index probe and the lookups of a whole request are one statement. Pages
 * follow the address order (keyset: the next page starts after the last address).
 */
public class PgSuppressionStore implements SuppressionStore {

    private static final String COLUMNS = "address, reason, source, email_id, created_at";

    private final DataSource dataSource;

    public PgSuppressionStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Added add(Suppression entry) {
        try (Connection c = dataSource.getConnection()) {
            // A concurrent remove can take the row between the two statements: then try again.
            for (int attempt = 0; attempt < 3; attempt++) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO suppression (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT (address) DO NOTHING")) {
                    insert.setString(1, entry.address());
                    insert.setString(2, entry.reason());
                    insert.setString(3, entry.source());
                    insert.setString(4, entry.emailId());
                    insert.setTimestamp(5, Timestamp.from(entry.createdAt()));
                    if (insert.executeUpdate() == 1) {
                        return new Added(entry, true);
                    }
                }
                Optional<Suppression> existing = Optional.ofNullable(findAll(c, List.of(entry.address()))
                        .get(entry.address()));
                if (existing.isPresent()) {
                    return new Added(existing.get(), false);
                }
            }
            throw new SuppressionStorageException("could not add " + entry.address()
                    + " to the suppression list: it was removed and added concurrently", null);
        } catch (SQLException e) {
            throw unavailable("could not add to the suppression list", e);
        }
    }

    @Override
    public boolean remove(String address) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete = c.prepareStatement("DELETE FROM suppression WHERE address = ?")) {
            delete.setString(1, address);
            return delete.executeUpdate() > 0;
        } catch (SQLException e) {
            throw unavailable("could not remove from the suppression list", e);
        }
    }

    @Override
    public Map<String, Suppression> findAll(Collection<String> addresses) {
        if (addresses.isEmpty()) {
            return Map.of();
        }
        try (Connection c = dataSource.getConnection()) {
            return findAll(c, addresses);
        } catch (SQLException e) {
            throw unavailable("could not read the suppression list", e);
        }
    }

    private static Map<String, Suppression> findAll(Connection c, Collection<String> addresses) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM suppression WHERE address = ANY(?)")) {
            query.setArray(1, c.createArrayOf("text", new LinkedHashSet<>(addresses).toArray()));
            var found = new LinkedHashMap<String, Suppression>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    Suppression entry = entry(rs);
                    found.put(entry.address(), entry);
                }
            }
            return found;
        }
    }

    @Override
    public Slice page(String search, String afterKey, int limit) {
        boolean searching = search != null && !search.isEmpty();
        String sql = "SELECT " + COLUMNS + " FROM suppression WHERE address > ?"
                + (searching ? " AND address ILIKE ? ESCAPE '\\'" : "") + " ORDER BY address LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(sql)) {
            int i = 1;
            query.setString(i++, afterKey == null ? "" : afterKey);
            if (searching) {
                query.setString(i++, "%" + escapeLike(search) + "%");
            }
            query.setInt(i, limit + 1);
            var entries = new ArrayList<Suppression>();
            boolean more = false;
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    if (entries.size() == limit) {
                        more = true;
                        break;
                    }
                    entries.add(entry(rs));
                }
            }
            return new Slice(entries, more ? entries.get(entries.size() - 1).address() : null);
        } catch (SQLException e) {
            throw unavailable("could not read the suppression list", e);
        }
    }

    /** A client's search text matched literally: LIKE's own wildcards and escape character lose their meaning. */
    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static Suppression entry(ResultSet rs) throws SQLException {
        return new Suppression(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getTimestamp(5).toInstant());
    }

    private static SuppressionStorageException unavailable(String what, SQLException e) {
        return new SuppressionStorageException(what + ": " + e.getMessage(), e);
    }

    @Override
    public String description() {
        return "PostgreSQL (table suppression, shared by every instance)";
    }
}
