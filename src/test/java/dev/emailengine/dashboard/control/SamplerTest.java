package dev.emailengine.dashboard.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.dashboard.entity.DashboardFigures;
import dev.emailengine.dashboard.entity.Sample;
import dev.emailengine.pacing.entity.RateLimitStatus;
import dev.emailengine.queue.control.QueueStorageException;
import dev.emailengine.queue.entity.ClusterActivity;
import dev.emailengine.queue.entity.EmailEvent.Answered.Answer;
import dev.emailengine.queue.entity.EmailEvent;
import dev.emailengine.queue.entity.QueueDepth;
import dev.emailengine.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The sampler on a clock the test moves: intervals, the hour it keeps, and a store that does not answer. */
class SamplerTest {

    private static final Instant START = Instant.parse("2026-12-02T10:00:00Z");

    private final ManualClock clock = new ManualClock(START);
    private final DeliveryTally tally = new DeliveryTally();
    private final AtomicReference<QueueDepth> depth = new AtomicReference<>(new QueueDepth(3, 2, 4, 1, 0, List.of("queued")));
    private final List<Instant> activityAsked = new ArrayList<>();
    private final List<RateLimitStatus> limits = new ArrayList<>();

    private Sampler sampler(Optional<ClusterActivity> activity) {
        return new Sampler(clock, Duration.ofSeconds(5), tally, new Sampler.Sources(() -> {
            QueueDepth now = depth.get();
            if (now == null) {
                throw new QueueStorageException("PostgreSQL does not answer");
            }
            return now;
        }, since -> {
            activityAsked.add(since);
            return activity;
        }, () -> limits), "file");
    }

    @Test
    void aSampleHoldsTheIntervalsCountsAndTheDepthAtItsEnd() {
        Sampler sampler = sampler(Optional.empty());
        tally.accepted(new EmailEvent.Accepted(4));
        tally.sent(new EmailEvent.Sent("a", "w1", Duration.ofMillis(10), Duration.ZERO));
        tally.sent(new EmailEvent.Sent("b", "w1", Duration.ofMillis(30), Duration.ZERO));
        tally.failed(new EmailEvent.Failed("c", "w1", true));
        tally.failed(new EmailEvent.Failed("d", "w1", false));
        tally.throttled(new EmailEvent.Throttled("e", "x@example.com", "451 4.7.1 slow down"));
        tally.bounced(new EmailEvent.Bounced("f", "y@example.com", "550 5.1.1 unknown"));
        tally.cancelled(new EmailEvent.Cancelled("g"));
        clock.advance(Duration.ofSeconds(5));

        sampler.sample();

        Sample sample = sampler.figures(null).samples().get(0);
        assertEquals(START.plusSeconds(5), sample.at());
        assertEquals(5.0, sample.seconds());
        assertEquals(List.of(3, 2, 4, 1, 0L),
                List.of(sample.queued(), sample.scheduled(), sample.retrying(), sample.processing(), sample.dead()));
        assertEquals(List.of("queued"), sample.capped(), "the figures the store stopped counting");
        assertEquals(List.of(4L, 2L, 1L, 1L, 1L, 1L, 1L), List.of(sample.accepted(), sample.sent(), sample.deferred(),
                sample.throttled(), sample.bounced(), sample.deadLettered(), sample.cancelled()));
        assertEquals(10.0, sample.latencyP50Ms());
        assertEquals(30.0, sample.latencyP99Ms());
        assertNull(sample.clusterSent(), "no cluster figures on a store of one instance");
    }

    @Test
    void eachSampleCountsOnlyItsOwnInterval() {
        Sampler sampler = sampler(Optional.empty());
        tally.sent(new EmailEvent.Sent("a", "w1", Duration.ofMillis(10), Duration.ZERO));
        clock.advance(Duration.ofSeconds(5));
        sampler.sample();
        clock.advance(Duration.ofSeconds(5));
        sampler.sample();

        List<Sample> samples = sampler.figures(null).samples();
        assertEquals(List.of(1L, 0L), samples.stream().map(Sample::sent).toList());
        assertNull(samples.get(1).latencyP50Ms(), "no latency for an interval that sent nothing");
        assertEquals(List.of(samples.get(1)), sampler.figures(samples.get(0).at()).samples(),
                "a page that has the first sample gets only the next");
    }

    @Test
    void theRingKeepsTheLastHourOnly() {
        Sampler sampler = sampler(Optional.empty());
        for (int i = 0; i < 720 + 10; i++) {
            clock.advance(Duration.ofSeconds(5));
            sampler.sample();
        }
        List<Sample> samples = sampler.figures(null).samples();
        assertEquals(720, samples.size());
        assertEquals(clock.instant(), samples.get(719).at());
        assertEquals(clock.instant().minus(Duration.ofSeconds(5 * 719)), samples.get(0).at());
    }

    @Test
    void aStoreThatDoesNotAnswerLeavesAGapInTheDepthNotInTheCounts() {
        Sampler sampler = sampler(Optional.empty());
        depth.set(null);
        tally.sent(new EmailEvent.Sent("a", "w1", Duration.ofMillis(10), Duration.ZERO));
        clock.advance(Duration.ofSeconds(5));

        sampler.sample();

        Sample sample = sampler.figures(null).samples().get(0);
        assertNull(sample.queued());
        assertNull(sample.retrying());
        assertNull(sample.capped());
        assertNull(sample.dead());
        assertEquals(1, sample.sent());
    }

    @Test
    void clusterFiguresCoverTheIntervalSinceTheLastSample() {
        var cluster = new ClusterActivity("a", List.of(new ClusterActivity.InstanceClaims("a", 2, START)), 7, 1, 0);
        Sampler sampler = sampler(Optional.of(cluster));
        clock.advance(Duration.ofSeconds(5));
        sampler.sample();
        clock.advance(Duration.ofSeconds(6));
        sampler.sample();

        assertEquals(List.of(START, START.plusSeconds(5)), activityAsked);
        DashboardFigures figures = sampler.figures(null);
        assertEquals(cluster, figures.cluster());
        assertEquals(7L, figures.samples().get(1).clusterSent());
        assertEquals(6.0, figures.samples().get(1).seconds());
    }

    @Test
    void theDomainTableCountsRecipientsAndShowsTheDomainsOwnLimit() {
        Sampler sampler = sampler(Optional.empty());
        limits.add(new RateLimitStatus("domain:example.com", "10/s", 10, 5, 0.5, 0));
        limits.add(new RateLimitStatus("server", "100/s", 100, 100, 0, 0));
        tally.answered(new EmailEvent.Answered("a", Map.of("Ada@Example.COM", Answer.ACCEPTED,
                "bob@example.com", Answer.BOUNCED, "cy@other.test", Answer.DEFERRED)));
        tally.answered(new EmailEvent.Answered("b", Map.of("ada@example.com", Answer.ACCEPTED,
                "dee@other.test", Answer.REFUSED_BY_POLICY)));
        clock.advance(Duration.ofSeconds(5));
        sampler.sample();

        var domains = sampler.figures(null).domains();
        assertEquals(List.of("example.com", "other.test"), domains.stream().map(d -> d.domain()).toList());
        var example = domains.get(0);
        assertEquals(List.of(2L, 0L, 0L, 1L, 0L), List.of(example.sent(), example.deferred(), example.throttled(),
                example.bounced(), example.failed()));
        assertEquals(5, example.rateLimit().effectivePerSecond());
        assertEquals(1L, domains.get(1).failed());
        assertNull(domains.get(1).rateLimit());
    }

    @Test
    void pastItsSizeTheDomainTableGathersTheRestUnderOther() {
        var counts = new DomainCounts(2);
        counts.count(Map.of("a@one.test", Answer.ACCEPTED));
        counts.count(Map.of("a@two.test", Answer.ACCEPTED));
        counts.count(Map.of("a@three.test", Answer.ACCEPTED, "b@four.test", Answer.ACCEPTED));
        counts.count(Map.of("b@one.test", Answer.ACCEPTED));

        var rows = counts.top(10);
        assertEquals(List.of(DomainCounts.OTHER, "one.test", "two.test"), rows.stream().map(DomainCounts.Row::domain).toList());
        assertEquals(2L, rows.get(0).get(Answer.ACCEPTED));
    }

    @Test
    void percentilesAreNearestRankAndABusyIntervalIsSampledNotStoredWhole() {
        var reservoir = new LatencyReservoir(1000);
        for (int ms = 1; ms <= 100; ms++) {
            reservoir.record(Duration.ofMillis(ms).toNanos());
        }
        var p = reservoir.drain();
        assertEquals(50.0, p.p50());
        assertEquals(90.0, p.p90());
        assertEquals(99.0, p.p99());
        assertNull(reservoir.drain(), "drained: the next interval starts empty");

        for (int i = 0; i < 100_000; i++) {
            reservoir.record(Duration.ofMillis(i % 100 + 1).toNanos());
        }
        var sampled = reservoir.drain();
        assertTrue(Math.abs(sampled.p50() - 50) <= 6, "a uniform sample keeps the median near 50: " + sampled);
    }

}
