package dev.emailengine.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneId;
import java.util.TimeZone;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cheaper formatter writes, byte for byte, what SimpleFormatter writes with the same pattern. */
class LogLineFormatterTest {

    private final String savedPattern = System.getProperty("java.util.logging.SimpleFormatter.format");

    @AfterEach
    void restore() {
        if (savedPattern == null) {
            System.clearProperty("java.util.logging.SimpleFormatter.format");
        } else {
            System.setProperty("java.util.logging.SimpleFormatter.format", savedPattern);
        }
    }

    @Test
    void linesAreThoseOfSimpleFormatterWithTheSamePattern() {
        System.setProperty("java.util.logging.SimpleFormatter.format", LogLineFormatter.PATTERN);
        var simple = new SimpleFormatter();
        var ours = new LogLineFormatter(TimeZone.getDefault().toZoneId());
        for (LogRecord record : records()) {
            assertEquals(simple.format(record), ours.format(record));
        }
        var utc = new LogLineFormatter(ZoneId.of("UTC"));
        LogRecord at = record(Level.INFO, "sent", null);
        at.setMillis(1_796_194_470_221L);
        assertEquals("2026-12-02T06:54:30.221Z INFO    dev.emailengine.X: sent" + System.lineSeparator(), utc.format(at));
    }

    private static LogRecord[] records() {
        LogRecord withParameters = record(Level.WARNING, "{0} deferred: {1}", null);
        withParameters.setParameters(new Object[] {"batch_1", "421 busy"});
        LogRecord failed = record(Level.SEVERE, "worker failed", new IllegalStateException("boom"));
        LogRecord exactMillis = record(Level.FINE, "fine detail", null);
        exactMillis.setMillis(1_796_194_470_000L);
        return new LogRecord[] {record(Level.INFO, "batch_1 sent", null), withParameters, failed, exactMillis,
            record(Level.CONFIG, "a level name of six", null)};
    }

    private static LogRecord record(Level level, String message, Throwable thrown) {
        var record = new LogRecord(level, message);
        record.setLoggerName("dev.emailengine.X");
        record.setThrown(thrown);
        return record;
    }
}
