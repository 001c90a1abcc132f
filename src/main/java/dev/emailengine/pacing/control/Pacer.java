package dev.emailengine.pacing.control;

import dev.emailengine.pacing.entity.RateLimitStatus;
import dev.emailengine.queue.entity.QueuedEmail;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The limits in force for every send: before a worker sends an email it reserves room for its
 * recipients under the SMTP server's limit and under each recipient domain's, all or nothing
 * ({@link #admit}). What a refusal asks of the worker depends on who refused:
 * <ul>
 * <li>a <em>domain</em> has no room: that email is postponed to when it will have (the worker
 * takes another email at once, so a saturated domain never holds up the others). Emails
 * postponed for the first time are spread one slot apart along the domain's line, so a backlog
 * of one domain does not all come due, and get refused, at the same instant;</li>
 * <li>the <em>server</em> has no room: no email could go now, whichever it was, so the email goes
 * back unchanged and the worker waits, holding nothing, until the next slot; then the best due
 * email of the queue takes it.</li>
 * </ul>
 * Throttling replies slow a limit down ({@link Aimd}).
 */
public class Pacer {

    private static final System.Logger LOG = System.getLogger(Pacer.class.getName());
    static final String SERVER = "server";
    private static final String DOMAIN = "domain:";
    private static final int MAX_TRACKED = 100_000;
    private static final int OBSERVED_SECONDS = 5;

    /** What the worker does with the email it claimed. */
    public sealed interface Admission {
    }

    /** Room was reserved: send it. */
    public record Granted() implements Admission {
    }

    /** A recipient domain is full: put the email back until then, and take another. */
    public record Postpone(Instant until) implements Admission {
    }

    /** The server is full: put the email back as it is, and wait this long holding nothing. */
    public record Wait(Duration duration) implements Admission {
    }

    private static final Granted GRANTED = new Granted();
    /** No limits: every email goes at once (also for workers built without a pacer, in tests). */
    public static final Pacer UNLIMITED = new Pacer(RateLimitConfig.NONE, new MemoryLimitState(Clock.systemUTC()),
            Clock.systemUTC());

    private final RateLimitConfig config;
    private final LimitState state;
    private final Clock clock;
    private final Aimd aimd = new Aimd();
    /** Per domain key, the end of the line of emails postponed for it (microseconds). */
    private final Map<String, Long> lines = new ConcurrentHashMap<>();
    /** Emails postponed once: when refused again they go at the first free slot, not to the end of the line. */
    private final Set<String> postponed = ConcurrentHashMap.newKeySet();
    /** Domains limited by the {@code *} default that were seen, for the status. */
    private final Set<String> otherDomainsSeen = ConcurrentHashMap.newKeySet();
    /** While a pace is cut: which keys (and how many recipients) each email in flight went through. */
    private final Map<String, Map<String, Long>> inFlight = new ConcurrentHashMap<>();
    private final long[] sentPerSecond = new long[OBSERVED_SECONDS + 1];
    private final long[] secondOf = new long[OBSERVED_SECONDS + 1];

    public Pacer(RateLimitConfig config, LimitState state, Clock clock) {
        this.config = config;
        this.state = state;
        this.clock = clock;
    }

    public RateLimitConfig config() {
        return config;
    }

    /** Reserves room for the email's recipients, or says what to do instead. */
    /** Counts the recipients this attempt sends to: a retry goes only to those that did not get the email yet. */
    public Admission admit(QueuedEmail email) {
        return admit(email.id(), email.unfinishedAddresses());
    }

    Admission admit(String id, List<String> recipients) {
        count(recipients.size());
        if (config.none() && !aimd.anyCut()) {
            return GRANTED;
        }
        var costs = new LinkedHashMap<String, Long>();
        var cells = new ArrayList<LimitState.Cell>();
        var owners = new ArrayList<String>();
        for (String recipient : recipients) {
            String domain = domainOf(recipient);
            if (!config.forDomain(domain).isEmpty()) {
                costs.merge(DOMAIN + domain, 1L, Long::sum);
                if (!config.domains().containsKey(domain) && otherDomainsSeen.size() < 1000) {
                    otherDomainsSeen.add(domain);
                }
            }
        }
        costs.forEach((key, cost) -> addCells(key, windowsOf(key), cost, cells, owners));
        List<RateWindow> server = windowsOf(SERVER);
        if (!server.isEmpty()) {
            addCells(SERVER, server, recipients.size(), cells, owners);
            costs.put(SERVER, (long) recipients.size());
        }
        if (cells.isEmpty()) {
            return GRANTED;
        }
        LimitState.Refusal refusal = state.reserve(cells);
        if (refusal == null) {
            postponed.remove(id);
            if (aimd.anyCut() && inFlight.size() < MAX_TRACKED) {
                inFlight.put(id, costs);
            }
            return GRANTED;
        }
        String key = owners.get(refusal.cell());
        long now = MemoryLimitState.micros(clock.instant());
        if (key.equals(SERVER)) {
            return new Wait(Duration.ofNanos(refusal.waitMicros() * 1000));
        }
        long until = now + refusal.waitMicros();
        if (postponed.size() < MAX_TRACKED && postponed.add(id)) {
            LimitState.Cell cell = cells.get(refusal.cell());
            long step = cell.intervalMicros() * cell.cost();
            long earliest = until;
            long[] slot = new long[1];
            lines.compute(key, (k, end) -> {
                slot[0] = end == null ? earliest : Math.max(end, earliest);
                return slot[0] + step;
            });
            until = slot[0];
        }
        // Rounded up to the millisecond the stores keep: earlier, the email would come due and be refused again.
        return new Postpone(Instant.ofEpochMilli(Math.floorDiv(until + 999, 1000)));
    }

    private void addCells(String key, List<RateWindow> windows, long cost, List<LimitState.Cell> cells,
            List<String> owners) {
        for (int i = 0; i < windows.size(); i++) {
            RateWindow window = windows.get(i);
            cells.add(new LimitState.Cell(key + "/" + window, interval(key, window, i), window.burst(), cost));
            owners.add(key);
        }
    }

    /** The shortest window carries the pace throttling set; longer windows (quotas) keep theirs. */
    private long interval(String key, RateWindow window, int index) {
        long configured = window.intervalMicros();
        if (index > 0) {
            return configured;
        }
        var cut = aimd.rate(key);
        return cut.isPresent() ? Math.max(configured, (long) Math.ceil(1e6 / cut.getAsDouble())) : configured;
    }

    /** A key's windows; the server's, when only throttling set its pace, one per-second window. */
    private List<RateWindow> windowsOf(String key) {
        if (key.startsWith(DOMAIN)) {
            return config.forDomain(key.substring(DOMAIN.length()));
        }
        if (!config.server().isEmpty()) {
            return config.server();
        }
        var cut = aimd.rate(SERVER);
        return cut.isPresent() ? List.of(new RateWindow(Math.max(1, (long) Math.ceil(cut.getAsDouble())),
                Duration.ofSeconds(1))) : List.of();
    }

    /**
     * A throttling reply: the recipient's domain limit is cut when it has one, otherwise the
     * server's (started from the rate sent at, when none is configured).
     */
    public void throttled(String recipient, String reply) {
        String key = SERVER;
        if (recipient != null && !config.forDomain(domainOf(recipient)).isEmpty()) {
            key = DOMAIN + domainOf(recipient);
        }
        List<RateWindow> windows = key.equals(SERVER) ? config.server() : windowsOf(key);
        double ceiling = windows.isEmpty() ? Math.max(1, observedPerSecond()) : windows.get(0).perSecond();
        if (aimd.cut(key, ceiling, clock.instant())) {
            LOG.log(Level.WARNING, "{0} is throttling ({1}): its pace is cut to {2}/s", key, reply,
                    String.format(Locale.ROOT, "%.2f", aimd.rate(key).orElse(ceiling)));
        }
    }

    /** An email went through: the paces it was sent under grow back. */
    public void sent(String id) {
        Map<String, Long> costs = inFlight.remove(id);
        if (costs != null) {
            costs.forEach(aimd::recover);
        }
    }

    /** An email's attempt ended otherwise: nothing to recover from it. */
    public void forget(String id) {
        inFlight.remove(id);
    }

    /** Every limit in force, with how full it is. */
    public List<RateLimitStatus> status() {
        var keys = new ArrayList<String>();
        if (!windowsOf(SERVER).isEmpty()) {
            keys.add(SERVER);
        }
        config.domains().keySet().stream().sorted().forEach(d -> keys.add(DOMAIN + d));
        otherDomainsSeen.stream().sorted().forEach(d -> keys.add(DOMAIN + d));
        var rows = new ArrayList<String>();
        for (String key : keys) {
            windowsOf(key).forEach(w -> rows.add(key + "/" + w));
        }
        Map<String, Long> backlog = state.backlog(rows);
        var result = new ArrayList<RateLimitStatus>();
        for (String key : keys) {
            List<RateWindow> windows = windowsOf(key);
            List<RateWindow> configured = key.equals(SERVER) ? config.server() : windows;
            double fullness = 0;
            long waitMicros = 0;
            for (int i = 0; i < windows.size(); i++) {
                RateWindow w = windows.get(i);
                long interval = interval(key, w, i);
                long ahead = backlog.getOrDefault(key + "/" + w, 0L);
                fullness = Math.max(fullness, ahead / (double) (interval * w.count()));
                waitMicros = Math.max(waitMicros, ahead - interval * (w.burst() - 1));
            }
            double configuredRate = configured.isEmpty() ? 0 : configured.get(0).perSecond();
            double effective = aimd.rate(key).orElse(configuredRate);
            result.add(new RateLimitStatus(key, RateLimitConfig.describe(configured), configuredRate, effective,
                    fullness, Math.max(0, waitMicros) / 1000));
        }
        return result;
    }

    /** Recipients per second over the last few whole seconds (this instance). */
    synchronized double observedPerSecond() {
        long current = clock.instant().getEpochSecond();
        long total = 0;
        for (int i = 0; i < secondOf.length; i++) {
            if (secondOf[i] < current && secondOf[i] >= current - OBSERVED_SECONDS) {
                total += sentPerSecond[i];
            }
        }
        return total / (double) OBSERVED_SECONDS;
    }

    private synchronized void count(int recipients) {
        long second = clock.instant().getEpochSecond();
        int slot = (int) (second % secondOf.length);
        if (secondOf[slot] != second) {
            secondOf[slot] = second;
            sentPerSecond[slot] = 0;
        }
        sentPerSecond[slot] += recipients;
    }

    /** The domain of an address ({@code Name <a@example.com>} too), in lower case. */
    static String domainOf(String address) {
        String a = address.strip();
        int open = a.lastIndexOf('<');
        if (open >= 0) {
            int close = a.indexOf('>', open);
            a = a.substring(open + 1, close < 0 ? a.length() : close);
        }
        return a.substring(a.lastIndexOf('@') + 1).strip().toLowerCase(Locale.ROOT);
    }
}
