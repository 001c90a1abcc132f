package dev.emailengine.pacing.control;

import dev.emailengine.pacing.entity.RateLimitStatus;
import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.control.QueueStorageException;
import dev.emailengine.queue.entity.EmailEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The configured limits ({@code RATE_LIMIT}, {@code DOMAIN_RATE_LIMITS}) as one {@link Pacer} for
 * the workers, kept in PostgreSQL when the queue is (shared by every instance) and in memory
 * otherwise (this instance's). Observes what became of each send: throttling replies slow a
 * limit down, deliveries let it recover.
 */
@ApplicationScoped
public class RateLimits {

    private static final System.Logger LOG = System.getLogger(RateLimits.class.getName());

    @Inject
    @ConfigProperty(name = "rate.limit")
    Optional<String> rateLimit;

    @Inject
    @ConfigProperty(name = "domain.rate.limits")
    Optional<String> domainRateLimits;

    @Inject
    @ConfigProperty(name = "data.dir", defaultValue = "./data")
    String dataDir;

    @Inject
    MailQueue queue;

    /** Under DATA_DIR, beside the queue: the file store's limiters across restarts. */
    static final String STATE_FILE = "rate-limits.txt";

    Pacer pacer;
    private LimitState state;
    /** Whether the last {@link #status()} failed: an outage is logged once, not every 5 s the dashboard samples. */
    private final AtomicBoolean unreadable = new AtomicBoolean();

    @PostConstruct
    void start() {
        RateLimitConfig config;
        try {
            config = RateLimitConfig.parse(rateLimit.orElse(null), domainRateLimits.orElse(null));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        LimitState state = shared() ? new PgLimitState(() -> queue.database().orElseThrow())
                : new MemoryLimitState(Clock.systemUTC(), Path.of(dataDir == null ? "./data" : dataDir, STATE_FILE));
        this.state = state;
        pacer = new Pacer(config, state, Clock.systemUTC());
        if (config.none()) {
            LOG.log(Level.INFO, "no rate limits (RATE_LIMIT, DOMAIN_RATE_LIMITS): sending as fast as the workers can");
        } else {
            LOG.log(Level.INFO, "rate limits, {0}: server {1}; domains {2}{3}",
                    state instanceof PgLimitState ? "shared by every instance" : "for this instance",
                    config.server().isEmpty() ? "none" : RateLimitConfig.describe(config.server()),
                    config.domains().isEmpty() ? "none" : config.domains().keySet(),
                    config.otherDomains().isEmpty() ? ""
                            : "; every other domain " + RateLimitConfig.describe(config.otherDomains()));
        }
    }

    /** Keeps the file store's limiters for the next start. */
    @PreDestroy
    void stop() {
        if (state instanceof MemoryLimitState memory) {
            memory.save();
        }
    }

    /** True on PostgreSQL, also while the database does not answer yet. */
    private boolean shared() {
        try {
            return queue.database().isPresent();
        } catch (QueueStorageException e) {
            return true;
        }
    }

    public Pacer pacer() {
        return pacer;
    }

    public List<RateLimitStatus> status() {
        List<RateLimitStatus> status;
        try {
            status = pacer.status();
        } catch (RuntimeException e) {
            if (unreadable.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "the rate limits could not be read (said once until they can): {0}",
                        e.getMessage());
            }
            return List.of();
        }
        if (unreadable.compareAndSet(true, false)) {
            LOG.log(Level.INFO, "the rate limits can be read again");
        }
        return status;
    }

    void throttled(@Observes EmailEvent.Throttled event) {
        pacer.throttled(event.recipient(), event.reply());
        pacer.forget(event.id());
    }

    void sent(@Observes EmailEvent.Sent event) {
        pacer.sent(event.id());
    }

    void failed(@Observes EmailEvent.Failed event) {
        pacer.forget(event.id());
    }
}
