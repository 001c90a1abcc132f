package dev.emailengine.pacing.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.pacing.entity.RateLimitStatus;
import dev.emailengine.queue.control.PgSchema;
import dev.emailengine.testing.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The limits shared through PostgreSQL: two instances' limiters on one database hold one limit together. */
class PgLimitStateTest {

    private static TestDatabase database;

    @BeforeAll
    static void createDatabase() throws Exception {
        database = TestDatabase.create();
        PgSchema.migrate(database);
    }

    /** Each test starts with no limiter state: one test's slots must not be the next one's wait. */
    @BeforeEach
    void forgetEveryLimiter() throws Exception {
        try (Connection c = database.getConnection(); var sql = c.createStatement()) {
            sql.execute("DELETE FROM rate_limit");
        }
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    /** Each thread keeps its connection, as the server's pool lets it: a new connection per request costs more than a slot. */
    private static final ThreadLocal<Connection> CONNECTIONS = new ThreadLocal<>();
    private static final DataSource POOLED = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                if (!method.getName().equals("getConnection")) {
                    return method.invoke(database, args);
                }
                Connection c = CONNECTIONS.get();
                if (c == null) {
                    Connection real = database.getConnection();
                    c = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                            new Class<?>[] {Connection.class}, (p, m, a) -> {
                                if (m.getName().equals("close")) {
                                    real.setAutoCommit(true);
                                    return null;
                                }
                                try {
                                    return m.invoke(real, a);
                                } catch (InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            });
                    CONNECTIONS.set(c);
                }
                return c;
            });

    private static Pacer instance(String server, String domains) {
        return new Pacer(RateLimitConfig.parse(server, domains), new PgLimitState(() -> POOLED), Clock.systemUTC());
    }

    @Test
    @Timeout(30)
    void twoInstancesTogetherNeverExceedTheRate() throws Exception {
        List<Pacer> instances = List.of(instance("20/s", null), instance("20/s", null));
        List<Long> sent = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(3);
        ExecutorService workers = Executors.newFixedThreadPool(6);
        try {
            var tasks = new ArrayList<Future<?>>();
            for (int w = 0; w < 6; w++) {
                Pacer pacer = instances.get(w % 2);
                String worker = "w" + w;
                tasks.add(workers.submit(() -> {
                    for (int i = 0; System.nanoTime() < end; i++) {
                        Pacer.Admission admission = pacer.admit(worker + "-" + i, List.of("a@x.test"));
                        if (admission instanceof Pacer.Granted) {
                            sent.add(System.nanoTime() - start);
                        } else if (admission instanceof Pacer.Wait wait) {
                            LockSupport.parkNanos(wait.duration().toNanos()); // a worker waiting for the slot
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> task : tasks) {
                task.get();
            }
        } finally {
            workers.shutdownNow();
        }
        List<Long> times = new ArrayList<>(sent);
        Collections.sort(times);
        // 3 s at 20/s is 60 plus the first, and never more. How close to 60 it gets depends on how
        // busy the machine is (bench/ measures the accuracy): here only that the shared limit does
        // not starve the two instances.
        assertTrue(times.size() >= 30 && times.size() <= 61, "sent " + times.size() + " in 3 s at 20/s");
        for (int i = 0; i + 21 < times.size(); i++) {
            assertTrue(times.get(i + 21) - times.get(i) >= TimeUnit.SECONDS.toNanos(1),
                    "22 sent within one second at 20/s, from the " + i + "th");
        }
    }

    @Test
    void aRefusalTakesNothingFromTheOtherLimits() {
        Pacer pacer = instance("50/s", "slow.test=1/s");
        assertInstanceOf(Pacer.Granted.class, pacer.admit("e1", List.of("a@slow.test")));
        assertInstanceOf(Pacer.Postpone.class, pacer.admit("e2", List.of("b@slow.test")));
        RateLimitStatus server = pacer.status().get(0);
        assertEquals("server", server.key());
        assertTrue(server.waitMillis() <= 20, "only the granted email's slot is taken: " + server);
    }

    @Test
    void idleLimitersAreDeleted() throws Exception {
        try (Connection c = database.getConnection(); var sql = c.createStatement()) {
            sql.execute("INSERT INTO rate_limit (key, tat) VALUES ('domain:once.test/5/s', 1)");
        }
        instance("50/s", null).admit("e1", List.of("a@x.test"));
        try (Connection c = database.getConnection(); var sql = c.createStatement();
                var rs = sql.executeQuery("SELECT count(*) FROM rate_limit WHERE key = 'domain:once.test/5/s'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "a row long past is the same as none");
        }
    }

    @Test
    void aNewInstanceSeesTheStateOfTheOthers() {
        instance(null, "shared.test=1/m").admit("e1", List.of("a@shared.test"));
        Pacer other = instance(null, "shared.test=1/m");
        Pacer.Admission admission = other.admit("e2", List.of("b@shared.test"));
        assertInstanceOf(Pacer.Postpone.class, admission);
        assertTrue(other.status().get(0).waitMillis() > Duration.ofSeconds(50).toMillis());
    }
}
