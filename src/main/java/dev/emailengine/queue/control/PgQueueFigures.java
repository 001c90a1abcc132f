package dev.emailengine.queue.control;

import dev.emailengine.queue.entity.ClusterActivity;
import dev.emailengine.queue.entity.QueueDepth;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The PostgreSQL store's figures for frequent sampling. Unlike {@code GET /status}, which counts
 * every sent email there is, each query here reads one partial index and stops at
 * {@link QueueDepth#CAP} rows: claims (a few per worker), the unclaimed queue, dead letters, and
 * the emails finished since the last sample (a range of {@code finished_at}).
 */
final class PgQueueFigures {

    private static final String CAPPED = " LIMIT " + QueueDepth.CAP + ") capped)";

    /** Priorities run 1..3 (EmailRequest's bounds). */
    private static final int PRIORITIES = 3;

    /** The rows of the partial index queued_email_retrying. */
    private static final String RETRYING = "NOT claimed AND retry_count > 0";

    private final DataSource dataSource;
    private final Clock clock;
    private final String instance;

    PgQueueFigures(DataSource dataSource, Clock clock, String instance) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.instance = instance;
    }

    /**
     * Queued and scheduled count the claim index (which knows no retry count) and take away the
     * retries, counted on their own small partial index (V6), due now and later apart. A figure
     * built on a count that stopped at the cap is a lower bound and is named in {@code capped}.
     */
    QueueDepth depth() {
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection c = dataSource.getConnection();
                PreparedStatement counts = c.prepareStatement("SELECT"
                        + " (SELECT count(*) FROM (" + unclaimedByPriority("due_at <= ?") + CAPPED + ","
                        + " (SELECT count(*) FROM (" + unclaimedByPriority("due_at > ?") + CAPPED + ","
                        + " (SELECT count(*) FROM (SELECT 1 FROM queued_email WHERE " + RETRYING + " AND due_at <= ?" + CAPPED + ","
                        + " (SELECT count(*) FROM (SELECT 1 FROM queued_email WHERE " + RETRYING + " AND due_at > ?" + CAPPED + ","
                        + " (SELECT count(*) FROM (SELECT 1 FROM queued_email WHERE claimed" + CAPPED + ","
                        + " (SELECT count(*) FROM (SELECT 1 FROM finished_email WHERE state = 'dead'" + CAPPED)) {
            for (int i = 1; i <= 2 * PRIORITIES + 2; i++) {
                counts.setTimestamp(i, now);
            }
            try (ResultSet rs = counts.executeQuery()) {
                rs.next();
                int dueNow = rs.getInt(1);
                int dueLater = rs.getInt(2);
                int retryingNow = rs.getInt(3);
                int retryingLater = rs.getInt(4);
                int processing = rs.getInt(5);
                long dead = rs.getLong(6);
                int cap = QueueDepth.CAP;
                var capped = new ArrayList<String>();
                if (dueNow >= cap || retryingNow >= cap) {
                    capped.add("queued");
                }
                if (dueLater >= cap || retryingLater >= cap) {
                    capped.add("scheduled");
                }
                if (retryingNow + retryingLater >= cap) {
                    capped.add("retrying");
                }
                if (processing >= cap) {
                    capped.add("processing");
                }
                if (dead >= cap) {
                    capped.add("dead");
                }
                return new QueueDepth(Math.max(0, dueNow - retryingNow), Math.max(0, dueLater - retryingLater),
                        Math.min(cap, retryingNow + retryingLater), processing, dead, capped);
            }
        } catch (SQLException e) {
            throw new QueueStorageException("could not count the queue", e);
        }
    }

    /**
     * The unclaimed rows matching a {@code due_at} condition, one range of the claim index
     * {@code (priority, due_at, seq)} per priority, appended: with priority first, {@code due_at}
     * alone is no range, and one condition on it would read every unclaimed row (a million due now
     * for the emails due later). Under the outer LIMIT the append stops at the cap in total.
     */
    private static String unclaimedByPriority(String dueCondition) {
        var union = new StringBuilder();
        for (int p = 1; p <= PRIORITIES; p++) {
            union.append(p == 1 ? "" : " UNION ALL ")
                    .append("SELECT 1 FROM queued_email WHERE NOT claimed AND priority = ").append(p)
                    .append(" AND ").append(dueCondition);
        }
        return union.toString();
    }

    ClusterActivity activity(Instant since) {
        Timestamp after = Timestamp.from(since);
        try (Connection c = dataSource.getConnection()) {
            var instances = new ArrayList<ClusterActivity.InstanceClaims>();
            try (PreparedStatement claims = c.prepareStatement("SELECT lease_owner, count(*), max(lease_until)"
                    + " FROM queued_email WHERE claimed GROUP BY lease_owner ORDER BY lease_owner <> ?, lease_owner")) {
                claims.setString(1, instance);
                try (ResultSet rs = claims.executeQuery()) {
                    while (rs.next()) {
                        Timestamp until = rs.getTimestamp(3);
                        instances.add(new ClusterActivity.InstanceClaims(rs.getString(1), rs.getInt(2),
                                until == null ? null : until.toInstant()));
                    }
                }
            }
            try (PreparedStatement finished = c.prepareStatement("SELECT count(*) FILTER (WHERE state = 'sent'),"
                    + " count(*) FILTER (WHERE state = 'cancelled'),"
                    + " (SELECT count(*) FROM finished_email WHERE state = 'dead' AND finished_at > ?)"
                    + " FROM finished_email WHERE state <> 'dead' AND finished_at > ?")) {
                finished.setTimestamp(1, after);
                finished.setTimestamp(2, after);
                try (ResultSet rs = finished.executeQuery()) {
                    rs.next();
                    return new ClusterActivity(instance, List.copyOf(instances), rs.getLong(1), rs.getLong(3),
                            rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new QueueStorageException("could not read the cluster's activity", e);
        }
    }
}
