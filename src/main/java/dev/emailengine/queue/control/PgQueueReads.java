package dev.emailengine.queue.control;

import dev.emailengine.queue.entity.DeadLetterPage;
import dev.emailengine.queue.entity.EmailDetails;
import dev.emailengine.queue.entity.EmailState;
import dev.emailengine.queue.entity.IdempotencyRecord;
import dev.emailengine.queue.entity.QueueStatus;
import dev.emailengine.queue.entity.QueuedEmail;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The PostgreSQL store's reads: status pages, single emails, dead letters, idempotency records. */
final class PgQueueReads {

    private final DataSource dataSource;
    private final Clock clock;
    private final QueueJson json;
    private final Duration idempotencyTtl;

    PgQueueReads(DataSource dataSource, Clock clock, QueueJson json, Duration idempotencyTtl) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.json = json;
        this.idempotencyTtl = idempotencyTtl;
    }

    List<String> deadLetterIds() {
        try {
            return PgSql.strings(dataSource, "SELECT id FROM finished_email WHERE state = 'dead' ORDER BY finished_at, id");
        } catch (SQLException e) {
            throw new QueueStorageException("could not list the dead letters", e);
        }
    }


    QueueStatus status(int offset, int limit) {
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection c = dataSource.getConnection()) {
            int due;
            int waiting;
            int processing;
            long dead;
            long sent;
            try (PreparedStatement counts = c.prepareStatement("SELECT"
                    + " count(*) FILTER (WHERE NOT claimed AND due_at <= ?),"
                    + " count(*) FILTER (WHERE NOT claimed AND due_at > ?),"
                    + " count(*) FILTER (WHERE claimed),"
                    + " (SELECT count(*) FROM finished_email WHERE state = 'dead'),"
                    + " (SELECT count(*) FROM finished_email WHERE state = 'sent') FROM queued_email")) {
                counts.setTimestamp(1, now);
                counts.setTimestamp(2, now);
                try (ResultSet rs = counts.executeQuery()) {
                    rs.next();
                    due = rs.getInt(1);
                    waiting = rs.getInt(2);
                    processing = rs.getInt(3);
                    dead = rs.getLong(4);
                    sent = rs.getLong(5);
                }
            }
            // A page of none (the metrics and health ask for counts only) skips sorting the table.
            List<QueueStatus.Batch> batches = limit > 0 ? page(c, now, offset, limit) : List.of();
            int total = due + waiting + processing;
            return new QueueStatus(total, total, 1, due, waiting, processing, dead, sent, offset, limit, batches);
        } catch (SQLException e) {
            throw new QueueStorageException("could not read the queue's status", e);
        }
    }


    private List<QueueStatus.Batch> page(Connection c, Timestamp now, int offset, int limit) throws SQLException {
        var batches = new ArrayList<QueueStatus.Batch>();
        try (PreparedStatement page = c.prepareStatement("SELECT id, priority, due_at, retry_count, claimed,"
                + " due_at <= ? AS due, record FROM queued_email"
                + " ORDER BY claimed DESC, (due_at <= ?) DESC, CASE WHEN due_at <= ? THEN 0 ELSE 1 END,"
                + " CASE WHEN due_at <= ? THEN priority ELSE 0 END, CASE WHEN due_at <= ? THEN seq ELSE 0 END,"
                + " due_at, seq OFFSET ? LIMIT ?")) {
            for (int i = 1; i <= 5; i++) {
                page.setTimestamp(i, now);
            }
            page.setInt(6, offset);
            page.setInt(7, limit);
            try (ResultSet rs = page.executeQuery()) {
                while (rs.next()) {
                    QueuedEmail email = json.read(rs.getBytes(7));
                    boolean claimed = rs.getBoolean(5);
                    String state = claimed ? "processing" : rs.getBoolean(6) ? "pending" : "scheduled_retry";
                    batches.add(new QueueStatus.Batch(email.id(), email.id()
                            + (claimed ? QueueFiles.PROCESSING : QueueFiles.PENDING), 1, state, email.priority(),
                            email.createdAt(), email.retryCount(), email.nextAttemptAt()));
                }
            }
        }
        return batches;
    }

    Optional<EmailDetails> find(String id) {
        if (!EmailIds.isWellFormed(id)) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement queued = c.prepareStatement("SELECT claimed, record FROM queued_email WHERE id = ?")) {
                queued.setString(1, id);
                try (ResultSet rs = queued.executeQuery()) {
                    if (rs.next()) {
                        QueuedEmail email = json.read(rs.getBytes(2));
                        EmailState state = rs.getBoolean(1) ? EmailState.PROCESSING
                                : email.retryCount() > 0 ? EmailState.RETRYING : EmailState.QUEUED;
                        return Optional.of(EmailDetails.of(email, state));
                    }
                }
            }
            try (PreparedStatement finished = c.prepareStatement("SELECT state, record FROM finished_email WHERE id = ?")) {
                finished.setString(1, id);
                try (ResultSet rs = finished.executeQuery()) {
                    if (rs.next()) {
                        EmailState state = switch (rs.getString(1)) {
                            case "sent" -> EmailState.SENT;
                            case "dead" -> EmailState.DEAD;
                            default -> EmailState.CANCELLED;
                        };
                        return Optional.of(EmailDetails.of(json.read(rs.getBytes(2)), state));
                    }
                }
            }
            return Optional.empty();
        } catch (SQLException e) {
            throw new QueueStorageException("could not read " + id, e);
        }
    }


    DeadLetterPage deadLetters(int offset, int limit) {
        // The page reads the dead index's newest rows only; the total (the API's exact figure) is
        // counted apart from the same partial index, index only: a count(*) OVER () beside the
        // ORDER BY ... LIMIT fetched every dead row's record to count it.
        try (Connection c = dataSource.getConnection();
                PreparedStatement page = c.prepareStatement("SELECT record FROM finished_email"
                        + " WHERE state = 'dead' ORDER BY finished_at DESC, id DESC OFFSET ? LIMIT ?")) {
            page.setInt(1, offset);
            page.setInt(2, limit);
            var emails = new ArrayList<EmailDetails>();
            try (ResultSet rs = page.executeQuery()) {
                while (rs.next()) {
                    emails.add(EmailDetails.of(json.read(rs.getBytes(1)), EmailState.DEAD));
                }
            }
            long total = PgSql.single(c, "SELECT count(*)::text FROM finished_email WHERE state = 'dead'")
                    .map(Long::valueOf).orElse(0L);
            return new DeadLetterPage(total, offset, limit, emails);
        } catch (SQLException e) {
            throw new QueueStorageException("could not read the dead letters", e);
        }
    }


    Optional<IdempotencyRecord> idempotencyRecord(String keyHash, String requestHash) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement find = c.prepareStatement("SELECT request_hash, created_at, ids FROM"
                        + " idempotency_record WHERE key_hash = ? AND created_at >= ?")) {
            find.setString(1, keyHash);
            find.setTimestamp(2, Timestamp.from(clock.instant().minus(idempotencyTtl)));
            try (ResultSet rs = find.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Array ids = rs.getArray(3);
                return Optional.of(new IdempotencyRecord(keyHash, rs.getString(1), rs.getTimestamp(2).toInstant(),
                        Arrays.asList((String[]) ids.getArray())));
            }
        } catch (SQLException e) {
            throw new QueueStorageException("could not read an idempotency record", e);
        }
    }
}
