package dev.emailengine.webhooks.control;

import dev.emailengine.webhooks.entity.Delivery;
import dev.emailengine.webhooks.entity.DeliveryAttempt;
import dev.emailengine.webhooks.entity.WebhookEndpoint;
import dev.emailengine.webhooks.entity.WebhookEvent;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Endpoints and the outbox in the queue's PostgreSQL (migration V7), shared by every instance.
 * Each delivery goes out from one instance at a time: a claim is a short committed transaction
 * ({@code FOR UPDATE SKIP LOCKED}) that pushes the delivery's due time to the end of a lease and
 * names this store as its owner; recording the attempt checks the claim is still ours. Nothing is
 * held across the HTTP call. An instance that dies mid-call leaves the delivery due again when
 * the lease ends: at least once.
 */
public class PgWebhookStore implements WebhookStore {

    private static final String ENDPOINT_COLUMNS = "id, url, events, secret, previous_secret, previous_secret_until,"
            + " disabled, created_at";

    private final DataSource dataSource;
    /** Names this store's claims; one per store, so per instance. */
    private final String owner = UUID.randomUUID().toString();

    public PgWebhookStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public boolean addEndpoint(WebhookEndpoint endpoint, int max) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement lock = c.createStatement()) {
                    // Two instances adding at once must not both see max - 1.
                    lock.execute("LOCK TABLE webhook_endpoint IN SHARE ROW EXCLUSIVE MODE");
                }
                try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM webhook_endpoint");
                        ResultSet rs = count.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= max) {
                        c.rollback();
                        return false;
                    }
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO webhook_endpoint (" + ENDPOINT_COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    bindEndpoint(c, insert, endpoint);
                    insert.executeUpdate();
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable("could not add a webhook endpoint", e);
        }
    }

    private static void bindEndpoint(Connection c, PreparedStatement statement, WebhookEndpoint endpoint)
            throws SQLException {
        statement.setString(1, endpoint.id());
        statement.setString(2, endpoint.url());
        statement.setArray(3, c.createArrayOf("text", endpoint.events().toArray()));
        statement.setString(4, endpoint.secret());
        statement.setString(5, endpoint.previousSecret());
        statement.setTimestamp(6, timestamp(endpoint.previousSecretUntil()));
        statement.setBoolean(7, endpoint.disabled());
        statement.setTimestamp(8, timestamp(endpoint.createdAt()));
    }

    @Override
    public List<WebhookEndpoint> endpoints() {
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(
                "SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoint ORDER BY created_at, id");
                ResultSet rs = query.executeQuery()) {
            var endpoints = new ArrayList<WebhookEndpoint>();
            while (rs.next()) {
                endpoints.add(endpoint(rs));
            }
            return endpoints;
        } catch (SQLException e) {
            throw unavailable("could not read the webhook endpoints", e);
        }
    }

    @Override
    public Optional<WebhookEndpoint> endpoint(String id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(
                "SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoint WHERE id = ?")) {
            query.setString(1, id);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? Optional.of(endpoint(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw unavailable("could not read a webhook endpoint", e);
        }
    }

    private static WebhookEndpoint endpoint(ResultSet rs) throws SQLException {
        Array events = rs.getArray(3);
        return new WebhookEndpoint(rs.getString(1), rs.getString(2),
                Arrays.stream((Object[]) events.getArray()).map(String.class::cast).toList(), rs.getString(4),
                rs.getString(5), instant(rs.getTimestamp(6)), rs.getBoolean(7), instant(rs.getTimestamp(8)));
    }

    @Override
    public boolean updateEndpoint(WebhookEndpoint endpoint) {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(
                "UPDATE webhook_endpoint SET url = ?, events = ?, secret = ?, previous_secret = ?,"
                        + " previous_secret_until = ?, disabled = ? WHERE id = ?")) {
            update.setString(1, endpoint.url());
            update.setArray(2, c.createArrayOf("text", endpoint.events().toArray()));
            update.setString(3, endpoint.secret());
            update.setString(4, endpoint.previousSecret());
            update.setTimestamp(5, timestamp(endpoint.previousSecretUntil()));
            update.setBoolean(6, endpoint.disabled());
            update.setString(7, endpoint.id());
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw unavailable("could not change a webhook endpoint", e);
        }
    }

    @Override
    public boolean removeEndpoint(String id) {
        // Its deliveries and attempts go with it (ON DELETE CASCADE).
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete = c.prepareStatement("DELETE FROM webhook_endpoint WHERE id = ?")) {
            delete.setString(1, id);
            return delete.executeUpdate() == 1;
        } catch (SQLException e) {
            throw unavailable("could not remove a webhook endpoint", e);
        }
    }

    @Override
    public void record(WebhookEvent event, Collection<String> endpointIds, Instant due) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                record(c, event, endpointIds, due);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable("could not record webhook event " + event.id(), e);
        }
    }

    /**
     * Records the event on the caller's connection, inside the caller's transaction: with the
     * state change that caused it, when the caller has one. An endpoint removed meanwhile is
     * skipped.
     */
    public static void record(Connection c, WebhookEvent event, Collection<String> endpointIds, Instant due)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO webhook_event (id, type, created_at, payload) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, event.id());
            insert.setString(2, event.type());
            insert.setTimestamp(3, timestamp(event.createdAt()));
            insert.setBytes(4, event.payload());
            insert.executeUpdate();
        }
        try (PreparedStatement owe = c.prepareStatement("INSERT INTO webhook_delivery (event_id, endpoint_id,"
                + " next_attempt_at) SELECT ?, id, ? FROM webhook_endpoint WHERE id = ANY(?)")) {
            owe.setString(1, event.id());
            owe.setTimestamp(2, timestamp(due));
            owe.setArray(3, c.createArrayOf("text", endpointIds.toArray()));
            owe.executeUpdate();
        }
    }

    @Override
    public List<Delivery> claim(Instant now, int limit, Duration lease) {
        try (Connection c = dataSource.getConnection(); PreparedStatement claim = c.prepareStatement(
                "UPDATE webhook_delivery d SET next_attempt_at = ?, lease_owner = ?"
                        + " FROM (SELECT event_id, endpoint_id FROM webhook_delivery"
                        + " WHERE finished_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?"
                        + " FOR UPDATE SKIP LOCKED) due, webhook_event e"
                        + " WHERE d.event_id = due.event_id AND d.endpoint_id = due.endpoint_id AND e.id = d.event_id"
                        + " RETURNING d.event_id, d.endpoint_id, d.attempts, e.type, e.created_at, e.payload,"
                        + " d.next_attempt_at")) {
            claim.setTimestamp(1, timestamp(now.plus(lease)));
            claim.setString(2, owner);
            claim.setTimestamp(3, timestamp(now));
            claim.setInt(4, limit);
            var claimed = new ArrayList<Delivery>();
            try (ResultSet rs = claim.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new Delivery(new WebhookEvent(rs.getString(1), rs.getString(4),
                            instant(rs.getTimestamp(5)), rs.getBytes(6)), rs.getString(2), rs.getInt(3),
                            instant(rs.getTimestamp(7))));
                }
            }
            return claimed;
        } catch (SQLException e) {
            throw unavailable("could not claim webhook deliveries", e);
        }
    }

    @Override
    public void attempted(Delivery delivery, DeliveryAttempt attempt, Instant nextAttemptAt) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int updated;
                try (PreparedStatement update = c.prepareStatement("UPDATE webhook_delivery SET attempts = attempts + 1,"
                        + " next_attempt_at = coalesce(?, next_attempt_at), finished_at = ?, lease_owner = NULL"
                        + " WHERE event_id = ? AND endpoint_id = ? AND lease_owner = ? AND attempts = ?")) {
                    update.setTimestamp(1, timestamp(nextAttemptAt));
                    update.setTimestamp(2, nextAttemptAt == null ? timestamp(attempt.at()) : null);
                    update.setString(3, delivery.event().id());
                    update.setString(4, delivery.endpointId());
                    update.setString(5, owner);
                    update.setInt(6, delivery.attempts());
                    updated = update.executeUpdate();
                }
                if (updated == 1) {
                    try (PreparedStatement insert = c.prepareStatement("INSERT INTO webhook_attempt (endpoint_id,"
                            + " event_id, type, attempt, status_code, error, outcome, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                        insert.setString(1, delivery.endpointId());
                        insert.setString(2, attempt.eventId());
                        insert.setString(3, attempt.type());
                        insert.setInt(4, attempt.attempt());
                        if (attempt.statusCode() == null) {
                            insert.setNull(5, Types.INTEGER);
                        } else {
                            insert.setInt(5, attempt.statusCode());
                        }
                        insert.setString(6, attempt.error());
                        insert.setString(7, attempt.outcome());
                        insert.setTimestamp(8, timestamp(attempt.at()));
                        insert.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable("could not record an attempt at webhook event " + delivery.event().id(), e);
        }
    }

    @Override
    public List<DeliveryAttempt> attempts(String endpointId, int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(
                "SELECT event_id, type, attempt, status_code, error, outcome, at FROM webhook_attempt"
                        + " WHERE endpoint_id = ? ORDER BY at DESC, seq DESC LIMIT ?")) {
            query.setString(1, endpointId);
            query.setInt(2, limit);
            var attempts = new ArrayList<DeliveryAttempt>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    int status = rs.getInt(4);
                    attempts.add(new DeliveryAttempt(rs.getString(1), rs.getString(2), rs.getInt(3),
                            rs.wasNull() ? null : status, rs.getString(5), rs.getString(6), instant(rs.getTimestamp(7))));
                }
            }
            return attempts;
        } catch (SQLException e) {
            throw unavailable("could not read webhook deliveries", e);
        }
    }

    @Override
    public boolean replay(String endpointId, String eventId, Instant now) {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(
                "UPDATE webhook_delivery SET next_attempt_at = ?, finished_at = NULL, lease_owner = NULL"
                        + " WHERE event_id = ? AND endpoint_id = ?")) {
            update.setTimestamp(1, timestamp(now));
            update.setString(2, eventId);
            update.setString(3, endpointId);
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw unavailable("could not replay webhook event " + eventId, e);
        }
    }

    @Override
    public int purgeFinished(Instant before) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement deliveries = c.prepareStatement(
                    "DELETE FROM webhook_delivery WHERE finished_at < ?");
                    PreparedStatement events = c.prepareStatement("DELETE FROM webhook_event e WHERE created_at < ?"
                            + " AND NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.event_id = e.id)");
                    PreparedStatement attempts = c.prepareStatement("DELETE FROM webhook_attempt WHERE at < ?")) {
                deliveries.setTimestamp(1, timestamp(before));
                int purged = deliveries.executeUpdate();
                events.setTimestamp(1, timestamp(before));
                events.executeUpdate();
                attempts.setTimestamp(1, timestamp(before));
                attempts.executeUpdate();
                c.commit();
                return purged;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable("could not purge finished webhook deliveries", e);
        }
    }

    @Override
    public String description() {
        return "PostgreSQL (tables webhook_*, shared by every instance)";
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static WebhookStorageException unavailable(String what, SQLException e) {
        return new WebhookStorageException(what + ": " + e.getMessage(), e);
    }
}
