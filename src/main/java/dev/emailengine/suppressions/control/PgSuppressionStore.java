package dev.emailengine.suppressions.control;

import dev.emailengine.suppressions.entity.ListIds;
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
 * every instance. The address and the list ({@code ''} for all mail) are the primary key,
 * compared byte for byte ({@code COLLATE "C"}), so a lookup is one or two index probes and the
 * lookups of a whole request are one statement. Pages follow the key's order (keyset: the next
 * page starts after the last address and list).
 */
public class PgSuppressionStore implements SuppressionStore {

    private static final String COLUMNS = "address, reason, source, email_id, created_at, list_id";
    /**
     * Separates address and list in a page key: the last space, since a list id has none (an
     * address may, quoted). Not a control character: the list refuses cursors holding one.
     */
    private static final char KEY_SEPARATOR = ' ';
    private static final String ALL_MAIL = "";

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
                        + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (address, list_id) DO NOTHING")) {
                    insert.setString(1, entry.address());
                    insert.setString(2, entry.reason());
                    insert.setString(3, entry.source());
                    insert.setString(4, entry.emailId());
                    insert.setTimestamp(5, Timestamp.from(entry.createdAt()));
                    insert.setString(6, column(entry.listId()));
                    if (insert.executeUpdate() == 1) {
                        return new Added(entry, true);
                    }
                }
                Optional<Suppression> existing = exact(c, entry.address(), entry.listId());
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
    public boolean remove(String address, String listId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM suppression WHERE address = ? AND list_id = ?")) {
            delete.setString(1, address);
            delete.setString(2, column(listId));
            return delete.executeUpdate() > 0;
        } catch (SQLException e) {
            throw unavailable("could not remove from the suppression list", e);
        }
    }

    @Override
    public Map<String, Suppression> findAll(Collection<String> addresses, String listId) {
        if (addresses.isEmpty()) {
            return Map.of();
        }
        // The entry for all mail ('') sorts first and wins over the list's own.
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM suppression WHERE address = ANY(?) AND list_id IN ('', ?)"
                        + " ORDER BY address, list_id")) {
            query.setArray(1, c.createArrayOf("text", new LinkedHashSet<>(addresses).toArray()));
            query.setString(2, column(listId));
            var found = new LinkedHashMap<String, Suppression>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    Suppression entry = entry(rs);
                    found.putIfAbsent(entry.address(), entry);
                }
            }
            return found;
        } catch (SQLException e) {
            throw unavailable("could not read the suppression list", e);
        }
    }

    private static Optional<Suppression> exact(Connection c, String address, String listId) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM suppression WHERE address = ? AND list_id = ?")) {
            query.setString(1, address);
            query.setString(2, column(listId));
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public Slice page(String search, String listId, String afterKey, int limit) {
        boolean searching = search != null && !search.isEmpty();
        String afterAddress = "";
        String afterList = "";
        if (afterKey != null) {
            int separator = afterKey.lastIndexOf(KEY_SEPARATOR);
            if (separator < 0) {
                throw new IllegalArgumentException("not a key of the PostgreSQL store");
            }
            afterAddress = afterKey.substring(0, separator);
            afterList = afterKey.substring(separator + 1);
        }
        String sql = "SELECT " + COLUMNS + " FROM suppression WHERE (address, list_id) > (?, ?)"
                + (searching ? " AND address ILIKE ? ESCAPE '\\'" : "")
                + (listId != null ? " AND list_id = ?" : "") + " ORDER BY address, list_id LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(sql)) {
            int i = 1;
            query.setString(i++, afterAddress);
            query.setString(i++, afterList);
            if (searching) {
                query.setString(i++, "%" + escapeLike(search) + "%");
            }
            if (listId != null) {
                query.setString(i++, listId);
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
            Suppression last = more ? entries.get(entries.size() - 1) : null;
            return new Slice(entries, last == null ? null : last.address() + KEY_SEPARATOR + column(last.listId()));
        } catch (SQLException e) {
            throw unavailable("could not read the suppression list", e);
        }
    }

    /** A client's search text matched literally: LIKE's own wildcards and escape character lose their meaning. */
    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static Suppression entry(ResultSet rs) throws SQLException {
        String listId = rs.getString(6);
        return new Suppression(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getTimestamp(5).toInstant(), listId.isEmpty() ? null : listId);
    }

    private static String column(String listId) {
        return listId == null ? ALL_MAIL : listId;
    }

    private static SuppressionStorageException unavailable(String what, SQLException e) {
        return new SuppressionStorageException(what + ": " + e.getMessage(), e);
    }

    @Override
    public String description() {
        return "PostgreSQL (table suppression, shared by every instance)";
    }

    /** The keys this store hands out are the addresses of its entries, which the list normalises. */
    @Override
    public boolean isKey(String key) {
        int separator = key.lastIndexOf(KEY_SEPARATOR);
        if (separator < 0) {
            return false;
        }
        String address = key.substring(0, separator);
        String listId = key.substring(separator + 1);
        try {
            return Addresses.normalise(address).equals(address) && (listId.isEmpty() || ListIds.isValid(listId));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
