package dev.emailengine.platform;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Writes exactly what {@link java.util.logging.SimpleFormatter} writes with the pattern of
 * server-config/payara/logging.properties ({@value #PATTERN}), without {@code String.format}:
 * that parses its pattern with a regular expression on every call, and with one line per email
 * sent, formatted once for the console and once for the log file, it was about 15 % of the JVM's
 * CPU when delivering as fast as it could (bench/RESULTS.md, 2026-12-02).
 */
public final class LogLineFormatter extends Formatter {

    /** The pattern this formatter stands in for, and only for it. */
    public static final String PATTERN = "%1$tFT%1$tT.%1$tLZ %4$-7s %3$s: %5$s%6$s%n";
    private static final int LEVEL_WIDTH = 7;

    private final DateTimeFormatter time;

    public LogLineFormatter(ZoneId zone) {
        // %1$tF %1$tT.%1$tL in the default zone, as SimpleFormatter does; the Z is a literal there too.
        time = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(zone);
    }

    @Override
    public String format(LogRecord record) {
        var line = new StringBuilder(128);
        time.formatTo(Instant.ofEpochMilli(record.getMillis()), line);
        line.append(' ');
        String level = record.getLevel().getLocalizedName();
        line.append(level);
        for (int i = level.length(); i < LEVEL_WIDTH; i++) {
            line.append(' ');
        }
        line.append(' ').append(record.getLoggerName()).append(": ").append(formatMessage(record));
        if (record.getThrown() != null) {
            var trace = new StringWriter();
            try (var out = new PrintWriter(trace)) {
                out.println();
                record.getThrown().printStackTrace(out);
            }
            line.append(trace);
        }
        return line.append(System.lineSeparator()).toString();
    }
}
