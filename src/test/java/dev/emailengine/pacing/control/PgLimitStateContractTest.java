package dev.emailengine.pacing.control;

import dev.emailengine.queue.control.PgSchema;
import dev.emailengine.testing.TestDatabase;
import java.sql.Connection;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The limit state contract on a real PostgreSQL, in a database of its own, on the test's clock
 * (read where the database's would be, after the row locks); a restart is a new state on the
 * same database, as another instance is.
 */
class PgLimitStateContractTest extends LimitStateContract {

    private static TestDatabase database;
    private static DataSource pooled;

    @BeforeAll
    static void createDatabase() throws Exception {
        database = TestDatabase.create();
        PgSchema.migrate(database);
        pooled = ThreadConnections.over(database);
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @BeforeEach
    void forgetEveryLimiter() throws Exception {
        try (Connection c = database.getConnection(); var sql = c.createStatement()) {
            sql.execute("DELETE FROM rate_limit");
        }
    }

    @Override
    LimitState open() {
        return new PgLimitState(() -> pooled, clock);
    }

    @Override
    LimitState reopen(LimitState before) {
        return open();
    }
}
