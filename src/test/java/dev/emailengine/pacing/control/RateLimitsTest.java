package dev.emailengine.pacing.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.queue.control.QueueStorageException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

    private final Logger log = Logger.getLogger(RateLimits.class.getName());
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @AfterEach
    void detach() {
        log.removeHandler(handler);
    }

    /** The dashboard reads the limits every 5 s: a database outage is one warning, not one per sample. */
    @Test
    void anOutageIsLoggedOnceAndItsEndOnce() {
        var down = new AtomicBoolean(true);
        var fine = new MemoryLimitState(Clock.systemUTC());
        LimitState state = (LimitState) Proxy.newProxyInstance(LimitState.class.getClassLoader(),
                new Class<?>[] {LimitState.class}, (proxy, method, args) -> {
                    if (down.get()) {
                        throw new QueueStorageException("database away", null);
                    }
                    return method.invoke(fine, args);
                });
        var limits = new RateLimits();
        limits.pacer = new Pacer(RateLimitConfig.parse("10/s", null), state, Clock.systemUTC());
        log.addHandler(handler);

        for (int i = 0; i < 5; i++) {
            assertEquals(List.of(), limits.status());
        }
        down.set(false);
        assertEquals(1, limits.status().size());
        assertEquals(1, limits.status().size());
        down.set(true);
        limits.status();

        assertEquals(List.of(Level.WARNING, Level.INFO, Level.WARNING), records.stream().map(LogRecord::getLevel).toList());
        assertTrue(records.get(0).getMessage().contains("could not be read"), records.get(0).getMessage());
    }
}
