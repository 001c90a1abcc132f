package dev.emailengine.dashboard.control;

import dev.emailengine.dashboard.entity.DashboardFigures;
import dev.emailengine.dashboard.entity.DomainFigures;
import dev.emailengine.dashboard.entity.Sample;
import dev.emailengine.pacing.entity.RateLimitStatus;
import dev.emailengine.queue.entity.ClusterActivity;
import dev.emailengine.queue.entity.EmailEvent.Answered.Answer;
import dev.emailengine.queue.entity.QueueDepth;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Takes one sample every interval: the counters of {@link DeliveryTally} since the last one and
 * the queue's depth, into a ring that holds an hour. Only this runs against the store, once per
 * interval, however many pages poll; a page reads the ring. A store that does not answer leaves
 * a gap in the depth, not in the counts.
 */
public final class Sampler {

    private static final System.Logger LOG = System.getLogger(Sampler.class.getName());
    static final Duration HISTORY = Duration.ofHours(1);
    static final int DOMAIN_ROWS = 50;

    /** Where a sample's figures come from; each may throw while its store is away. */
    public record Sources(Supplier<QueueDepth> depth, Function<Instant, Optional<ClusterActivity>> activity,
            Supplier<List<RateLimitStatus>> rateLimits) {
    }

    private final Clock clock;
    private final Duration interval;
    private final DeliveryTally tally;
    private final Sources sources;
    private final String store;
    private final SeriesRing ring;
    private Instant previous;
    private volatile ClusterActivity cluster;
    private volatile Map<String, RateLimitStatus> domainLimits = Map.of();

    public Sampler(Clock clock, Duration interval, DeliveryTally tally, Sources sources, String store) {
        this.clock = clock;
        this.interval = interval;
        this.tally = tally;
        this.sources = sources;
        this.store = store;
        this.ring = new SeriesRing((int) Math.max(1, HISTORY.toMillis() / interval.toMillis()));
        this.previous = clock.instant();
    }

    /** Called by one thread at a time (the scheduled task). */
    public void sample() {
        Instant now = clock.instant();
        DeliveryTally.Interval counts = tally.drain();
        QueueDepth depth = read("queue depth", sources.depth()).orElse(null);
        Instant since = previous;
        ClusterActivity activity = read("cluster activity", () -> sources.activity().apply(since).orElse(null))
                .orElse(null);
        cluster = activity;
        read("rate limits", sources.rateLimits()).ifPresent(limits -> domainLimits = limits.stream()
                .filter(l -> l.key().startsWith("domain:"))
                .collect(Collectors.toUnmodifiableMap(l -> l.key().substring("domain:".length()), l -> l, (a, b) -> a)));
        var latency = counts.latency();
        ring.add(new Sample(now, Duration.between(previous, now).toMillis() / 1000.0,
                depth == null ? null : depth.queued(), depth == null ? null : depth.scheduled(),
                depth == null ? null : depth.retrying(),
                depth == null ? null : depth.processing(), depth == null ? null : depth.dead(),
                depth == null || depth.capped().isEmpty() ? null : depth.capped(),
                counts.accepted(), counts.sent(), counts.deferred(), counts.throttled(), counts.bounced(),
                counts.deadLettered(), counts.cancelled(),
                latency == null ? null : latency.p50(), latency == null ? null : latency.p90(),
                latency == null ? null : latency.p99(),
                activity == null ? null : activity.sent(), activity == null ? null : activity.dead()));
        previous = now;
    }

    private static <T> Optional<T> read(String what, Supplier<T> source) {
        try {
            return Optional.ofNullable(source.get());
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "dashboard sample without the {0}: {1}", what, e.getMessage());
            return Optional.empty();
        }
    }

    /** The samples after {@code since} (all of the last hour when null) and the domain table. */
    public DashboardFigures figures(Instant since) {
        Map<String, RateLimitStatus> limits = domainLimits;
        List<DomainFigures> domains = tally.domains().top(DOMAIN_ROWS).stream()
                .map(row -> new DomainFigures(row.domain(), row.get(Answer.ACCEPTED), row.get(Answer.DEFERRED),
                        row.get(Answer.THROTTLED), row.get(Answer.BOUNCED),
                        row.get(Answer.FAILED) + row.get(Answer.REFUSED_BY_POLICY), limits.get(row.domain())))
                .toList();
        return new DashboardFigures(clock.instant(), store, (int) interval.toSeconds(), ring.after(since), domains,
                cluster);
    }
}
