package dev.emailengine.pacing.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.pacing.entity.RateLimitStatus;
import dev.emailengine.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a worker is told to do with a claimed email, and how throttling moves the pace. */
class PacerTest {

    private final ManualClock clock = new ManualClock();

    private Pacer pacer(String server, String domains) {
        return new Pacer(RateLimitConfig.parse(server, domains), new MemoryLimitState(clock), clock);
    }

    private static RateLimitStatus status(Pacer pacer, String key) {
        return pacer.status().stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void aFullDomainPostponesItsEmailAndTakesNothingFromTheServer() {
        Pacer pacer = pacer("10/s", "slow.test=1/s");
        assertInstanceOf(Pacer.Granted.class, pacer.admit("e1", List.of("a@slow.test")));
        clock.advance(Duration.ofMillis(100));
        Pacer.Admission second = pacer.admit("e2", List.of("b@slow.test"));
        assertEquals(new Pacer.Postpone(clock.instant().plusMillis(900)), second);
        assertEquals(0, status(pacer, "server").waitMillis(), "the refused email took no server slot");
        assertInstanceOf(Pacer.Granted.class, pacer.admit("e3", List.of("c@fast.test")), "other domains flow");
    }

    @Test
    void aFullServerMakesTheWorkerWaitHoldingNothing() {
        Pacer pacer = pacer("2/s", null);
        assertInstanceOf(Pacer.Granted.class, pacer.admit("e1", List.of("a@x.test")));
        assertEquals(new Pacer.Wait(Duration.ofMillis(500)), pacer.admit("e2", List.of("b@x.test")));
    }

    @Test
    void aBacklogOfOneDomainIsSpreadOneSlotApartAndARefusedAgainGoesFirst() {
        Pacer pacer = pacer(null, "slow.test=2/s");
        Instant start = clock.instant();
        assertInstanceOf(Pacer.Granted.class, pacer.admit("e0", List.of("a@slow.test")));
        for (int i = 1; i <= 3; i++) {
            assertEquals(new Pacer.Postpone(start.plusMillis(500L * i)), pacer.admit("e" + i, List.of("a@slow.test")));
        }
        clock.advance(Duration.ofMillis(100));
        assertInstanceOf(Pacer.Granted.class, pacer.admit("new", List.of("a@other.test")));
        assertEquals(new Pacer.Postpone(start.plusMillis(500)), pacer.admit("e2", List.of("a@slow.test")),
                "an email postponed before waits for the first free slot, not the end of the line");
    }

    @Test
    void recipientsAreCountedPerDomainAndAllTogetherForTheServer() {
        Pacer pacer = pacer("3/s", "a.test=2/s");
        assertInstanceOf(Pacer.Granted.class, pacer.admit("e1", List.of("x@a.test", "Y <y@A.test>", "z@b.test")));
        assertEquals(1.0, status(pacer, "server").fullness(), 1e-9, "three recipients fill 3/s");
        assertEquals(1000, status(pacer, "server").waitMillis());
        assertEquals(1000, status(pacer, "domain:a.test").waitMillis(), "two recipients at 2/s: a second");
    }

    @Test
    void theDefaultGivesEveryOtherDomainALimitOfItsOwn() {
        Pacer pacer = pacer(null, "*=1/s");
        assertInstanceOf(Pacer.Granted.class, pacer.admit("e1", List.of("a@one.test")));
        assertInstanceOf(Pacer.Granted.class, pacer.admit("e2", List.of("a@two.test")));
        assertInstanceOf(Pacer.Postpone.class, pacer.admit("e3", List.of("b@one.test")));
        assertEquals(List.of("domain:one.test", "domain:two.test"),
                pacer.status().stream().map(RateLimitStatus::key).toList());
    }

    @Test
    void throttlingHalvesTheDomainsPaceOnceASecondAndSuccessesBringItBack() {
        Pacer pacer = pacer("100/s", "slow.test=20/s");
        pacer.throttled("x@slow.test", "451 4.7.1 slow down");
        assertEquals(10, status(pacer, "domain:slow.test").effectivePerSecond(), 1e-9);
        pacer.throttled("y@slow.test", "451 4.7.1 slow down");
        assertEquals(10, status(pacer, "domain:slow.test").effectivePerSecond(), 1e-9, "one cut a second");
        assertEquals(100, status(pacer, "server").effectivePerSecond(), 1e-9, "the server is not cut");
        clock.advance(Duration.ofSeconds(1));
        pacer.throttled("y@slow.test", "451 4.7.1 slow down");
        // a second without a cut gave back 5 % of 20/s (11/s), then halved
        assertEquals(5.5, status(pacer, "domain:slow.test").effectivePerSecond(), 1e-9);

        assertInstanceOf(Pacer.Granted.class, pacer.admit("e1", List.of("a@slow.test")));
        assertEquals(181, status(pacer, "domain:slow.test").waitMillis(), "the next slot is 1/5.5 s away (181.8 ms)");
        pacer.sent("e1");
        assertEquals(5.6, status(pacer, "domain:slow.test").effectivePerSecond(), 1e-9, "additive increase");
        for (int i = 2; i < 400; i++) {
            clock.advance(Duration.ofSeconds(1));
            pacer.admit("e" + i, List.of("a@slow.test"));
            pacer.sent("e" + i);
        }
        assertEquals(20, status(pacer, "domain:slow.test").effectivePerSecond(), 1e-9, "never above the limit");
    }

    @Test
    void aPaceCutToATrickleGrowsBackWithTimeAndIsThenForgotten() {
        Pacer pacer = pacer(null, null);
        for (int i = 0; i < 8; i++) {
            if (i > 0) {
                clock.advance(Duration.ofSeconds(1));
            }
            pacer.throttled(null, "421 4.7.0 too fast"); // barely sending: the ceiling is the least one, 10/s
        }
        double floor = status(pacer, "server").effectivePerSecond();
        assertEquals(Pacer.UNCONFIGURED_CEILING / Aimd.LOWEST_FRACTION, floor, 1e-9, "cut to 1/16, never to nothing");

        clock.advance(Duration.ofSeconds(10));
        assertEquals(floor + 5, status(pacer, "server").effectivePerSecond(), 1e-9, "growing back with time alone");
        clock.advance(Duration.ofSeconds(10));
        assertEquals(List.of(), pacer.status(), "back at its ceiling, the throttling pace is gone: no limit again");
    }

    @Test
    void aServerWideThrottleWithoutAnyLimitStartsFromTheRateSentAt() {
        Pacer pacer = pacer(null, null);
        for (int second = 0; second < 6; second++) {
            for (int i = 0; i < 16; i++) {
                pacer.admit("e" + second + "-" + i, List.of("a@x.test"));
            }
            clock.advance(Duration.ofSeconds(1));
        }
        pacer.throttled(null, "421 4.7.0 too fast");
        RateLimitStatus server = status(pacer, "server");
        assertEquals("", server.configured(), "nothing configured: throttling set this pace");
        assertEquals(8, server.effectivePerSecond(), 1e-9, "half of the 16/s it was sending at");
        assertInstanceOf(Pacer.Granted.class, pacer.admit("a", List.of("a@x.test")));
        assertInstanceOf(Pacer.Wait.class, pacer.admit("b", List.of("a@x.test")));
        assertEquals(1, pacer.status().size());
    }

    @Test
    void recipientDomainsAreSpeltAsTheMailboxRulesSpellThem() {
        Pacer pacer = pacer(null, "gmail.com=1/s;bücher.example=1/s");
        assertInstanceOf(Pacer.Granted.class, pacer.admit("e1", List.of("Ada <a@Gmail.COM>")));
        assertInstanceOf(Pacer.Postpone.class, pacer.admit("e2", List.of("b@gmail.com")), "one domain, one limit");
        assertInstanceOf(Pacer.Granted.class, pacer.admit("e3", List.of("a@xn--bcher-kva.example")));
        assertInstanceOf(Pacer.Postpone.class, pacer.admit("e4", List.of("b@Bücher.example")),
                "the unicode and the ASCII form of a domain share its limit");
        assertEquals(List.of("domain:gmail.com", "domain:xn--bcher-kva.example"),
                pacer.status().stream().map(RateLimitStatus::key).toList());
    }

    @Test
    void postponedEmailsNeverAskedAboutAgainAreForgotten() {
        Pacer pacer = pacer(null, "slow.test=1/s");
        assertInstanceOf(Pacer.Granted.class, pacer.admit("e0", List.of("a@slow.test")));
        for (int i = 1; i <= 50; i++) {
            assertInstanceOf(Pacer.Postpone.class, pacer.admit("e" + i, List.of("a@slow.test")));
        }
        assertEquals(51, pacer.postponementsTracked(), "50 emails and the domain's line");
        clock.advance(Duration.ofHours(1)); // sent by another instance, cancelled: none came back
        assertInstanceOf(Pacer.Granted.class, pacer.admit("other", List.of("a@slow.test")));
        assertEquals(0, pacer.postponementsTracked());
    }

    @Test
    void theRateSentAtCountsOnlyWhatWasAdmitted() {
        Pacer pacer = pacer(null, "slow.test=1/s");
        for (int second = 0; second < 6; second++) {
            for (int i = 0; i < 16; i++) {
                pacer.admit("e" + second + "-" + i, List.of("a@slow.test")); // one a second goes
            }
            clock.advance(Duration.ofSeconds(1));
        }
        pacer.throttled(null, "421 4.7.0 too fast");
        assertEquals(Pacer.UNCONFIGURED_CEILING / 2, status(pacer, "server").effectivePerSecond(), 1e-9,
                "1/s was sent, not the 16/s asked: the least ceiling, halved");
    }

    @Test
    void aLimitOfLongerWindowsOnlyIsPacedWhileThrottled() {
        Pacer pacer = pacer(null, "slow.test=60/m");
        pacer.throttled("x@slow.test", "451 4.7.1 slow down");
        assertEquals(0.5, status(pacer, "domain:slow.test").effectivePerSecond(), 1e-9, "half of 60/m");
        assertInstanceOf(Pacer.Granted.class, pacer.admit("e1", List.of("a@slow.test")));
        assertEquals(new Pacer.Postpone(clock.instant().plusSeconds(2)), pacer.admit("e2", List.of("b@slow.test")));
    }

    @Test
    void theStatusOfACountedWindowIsItsCountUsed() {
        Pacer pacer = pacer("60/m", null);
        for (int i = 0; i < 30; i++) {
            assertInstanceOf(Pacer.Granted.class, pacer.admit("e" + i, List.of("a@x.test")));
        }
        assertEquals(0.5, status(pacer, "server").fullness(), 1e-9);
        assertEquals(0, status(pacer, "server").waitMillis());
        assertInstanceOf(Pacer.Granted.class, pacer.admit("big", java.util.Collections.nCopies(30, "b@x.test")));
        assertEquals(1.0, status(pacer, "server").fullness(), 1e-9);
        assertEquals(61_000, status(pacer, "server").waitMillis(), "until the bucket they are in leaves the minute");
        assertEquals(new Pacer.Wait(Duration.ofSeconds(61)), pacer.admit("next", List.of("c@x.test")));
    }
}
