package dev.emailengine.queue.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps the disk bounded: sent and cancelled emails older than {@code TRASH_RETENTION}, and
 * idempotency records older than {@code IDEMPOTENCY_TTL}, are deleted every {@code TRASH_PURGE_INTERVAL}.
 * Also runs the store's upkeep every {@link #UPKEEP} ({@link MailQueue#maintain}).
 */
@Singleton
@Startup
@DependsOn("MailQueue")
public class TrashJanitor {

    private static final System.Logger LOG = System.getLogger(TrashJanitor.class.getName());

    @Resource(name = "concurrent/emailengine/workers")
    ManagedScheduledExecutorService executor;

    @Inject
    MailQueue queue;

    @Inject
    @ConfigProperty(name = "trash.retention", defaultValue = "7d")
    String retentionText;

    @Inject
    @ConfigProperty(name = "trash.purge.interval", defaultValue = "1h")
    String intervalText;

    static final Duration UPKEEP = Duration.ofSeconds(2);

    private ScheduledFuture<?> task;
    private ScheduledFuture<?> upkeep;

    @PostConstruct
    void schedule() {
        Duration retention = Durations.parse("TRASH_RETENTION", retentionText);
        Duration interval = Durations.parse("TRASH_PURGE_INTERVAL", intervalText);
        task = executor.scheduleWithFixedDelay(() -> purge(retention), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "trash keeps sent emails for {0}, purged every {1}", retention, interval);
        upkeep = executor.scheduleWithFixedDelay(this::maintain, UPKEEP.toMillis(), UPKEEP.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void purge(Duration retention) {
        try {
            int purged = queue.purgeTrash(retention);
            if (purged > 0) {
                LOG.log(Level.INFO, "purged {0} sent emails older than {1} from the trash", purged, retention);
            }
            int expired = queue.purgeIdempotencyRecords();
            if (expired > 0) {
                LOG.log(Level.INFO, "purged {0} idempotency records older than {1}", expired, queue.idempotencyTtl());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "trash purge failed: {0}", e.getMessage());
        }
    }

    private void maintain() {
        try {
            queue.maintain();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "queue upkeep failed: {0}", e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        for (ScheduledFuture<?> scheduled : new ScheduledFuture<?>[] {task, upkeep}) {
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
    }
}
