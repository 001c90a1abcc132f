package dev.emailengine.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.time.ZoneId;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * At start, gives the JUL handlers that format with {@link SimpleFormatter} and exactly the
 * pattern Email Engine's own logging.properties sets the same lines from a cheaper formatter
 * ({@link LogLineFormatter}). A server configured otherwise (another pattern, another
 * formatter, another log manager, as on WildFly) is left as it is.
 */
@ApplicationScoped
public class LogFormatting {

    private static final System.Logger LOG = System.getLogger(LogFormatting.class.getName());

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        String pattern = LogManager.getLogManager().getProperty("java.util.logging.SimpleFormatter.format");
        if (!LogLineFormatter.PATTERN.equals(pattern)) {
            return;
        }
        var formatter = new LogLineFormatter(ZoneId.systemDefault());
        int replaced = replace(Logger.getLogger(""), formatter) + replace(Logger.getLogger("dev.emailengine"), formatter);
        if (replaced > 0) {
            LOG.log(System.Logger.Level.DEBUG, "{0} log handlers format without String.format", replaced);
        }
    }

    private static int replace(Logger logger, LogLineFormatter formatter) {
        int replaced = 0;
        for (Handler handler : logger.getHandlers()) {
            if (handler.getFormatter() != null && handler.getFormatter().getClass() == SimpleFormatter.class) {
                handler.setFormatter(formatter);
                replaced++;
            }
        }
        return replaced;
    }
}
