package dev.emailengine.webhooks.control;

import dev.emailengine.queue.control.PgSchema;
import dev.emailengine.testing.TestDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The webhook store contract on a real PostgreSQL, in a database of its own with the
 * application's migrations applied; a restart is a new store on the same database.
 */
class PgWebhookStoreContractTest extends WebhookStoreContract {

    private static TestDatabase database;
    private boolean opened;

    @BeforeAll
    static void createDatabase() throws SQLException {
        database = TestDatabase.create();
        PgSchema.migrate(database);
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Override
    WebhookStore open() {
        if (!opened) {
            database.truncateAll();
            opened = true;
        }
        return new PgWebhookStore(database);
    }
}
