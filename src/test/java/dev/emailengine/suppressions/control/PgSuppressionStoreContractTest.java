package dev.emailengine.suppressions.control;

import dev.emailengine.queue.control.PgSchema;
import dev.emailengine.testing.TestDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The suppression store contract on a real PostgreSQL, in a database of its own with the
 * application's migrations applied; a restart is a new store on the same database.
 */
class PgSuppressionStoreContractTest extends SuppressionStoreContract {

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
    SuppressionStore open() {
        if (!opened) {
            database.truncateAll();
            opened = true;
        }
        return new PgSuppressionStore(database);
    }

    @Override
    void breakStorage() {
        database.breakConnections(true);
    }

    @Override
    void repairStorage() {
        database.breakConnections(false);
    }
}
