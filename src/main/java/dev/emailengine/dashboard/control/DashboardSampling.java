package dev.emailengine.dashboard.control;

import dev.emailengine.dashboard.entity.DashboardFigures;
import dev.emailengine.pacing.control.RateLimits;
import dev.emailengine.queue.control.Durations;
import dev.emailengine.queue.control.MailQueue;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs the {@link Sampler} every {@code DASHBOARD_SAMPLE_INTERVAL} (5 s) on the managed executor,
 * from start-up, whether or not a page is open: the hour is there when someone looks.
 * Bean-managed concurrency: pages read the ring while the sampler writes it; both are thread-safe.
 */
@Singleton
@Startup
@DependsOn("MailQueue")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class DashboardSampling {

    private static final System.Logger LOG = System.getLogger(DashboardSampling.class.getName());

    @Resource(name = "concurrent/emailengine/workers")
    ManagedScheduledExecutorService executor;

    @Inject
    MailQueue queue;

    @Inject
    RateLimits rateLimits;

    @Inject
    DeliveryTally tally;

    @Inject
    @ConfigProperty(name = "dashboard.sample.interval", defaultValue = "5s")
    String intervalText;

    @Inject
    @ConfigProperty(name = "queue.store", defaultValue = "file")
    String storeKind;

    private Sampler sampler;
    private ScheduledFuture<?> task;

    @PostConstruct
    void start() {
        Duration interval = Durations.parse("DASHBOARD_SAMPLE_INTERVAL", intervalText);
        if (interval.toMillis() < 1000) {
            throw new IllegalStateException("DASHBOARD_SAMPLE_INTERVAL=" + intervalText + " is under a second");
        }
        sampler = new Sampler(Clock.systemUTC(), interval, tally,
                new Sampler.Sources(queue::depth, queue::activity, rateLimits::status),
                storeKind.strip().toLowerCase(Locale.ROOT));
        task = executor.scheduleAtFixedRate(this::sample, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void sample() {
        try {
            sampler.sample();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again.
            LOG.log(Level.WARNING, "dashboard sample failed: {0}", e.toString());
        }
    }

    public DashboardFigures figures(Instant since) {
        return sampler.figures(since);
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
