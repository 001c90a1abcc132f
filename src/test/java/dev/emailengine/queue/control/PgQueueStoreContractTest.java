package dev.emailengine.queue.control;

import dev.emailengine.testing.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The queue store contract on a real PostgreSQL, in a database of its own for this class; a
 * "restart" is a new store on the same database under the same instance name.
 */
class PgQueueStoreContractTest extends QueueStoreContract {

    private static TestDatabase database;
    private boolean opened;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.create();
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Override
    QueueStore open() {
        var store = new PgQueueStore(database, clock, "contract-test", Duration.ofMinutes(5), Duration.ofHours(24));
        if (!opened) {
            database.truncateAll();
            opened = true;
        }
        return store;
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
