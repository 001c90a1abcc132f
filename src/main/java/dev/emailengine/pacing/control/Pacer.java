package dev.emailengine.pacing.control;

import dev.emailengine.pacing.entity.RateLimitStatus;
import dev.emailengine.platform.Mailboxes;
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
 * <li>a <em>domain</em> has no room: that email is postponed to when it will have
 * ({@link Postponements}; the worker takes another email at once, so a saturated domain never
 * holds up the others);</li>
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
    /** The row of the pace throttling set on a limit that has no per-second window to slow down. */
    private static final String PACE = "/pace";
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
    private final Aimd aimd;
    /**
     * With no limit configured, the pace a throttling reply halves is the rate sent at, but at
     * least this: a few replies after a quiet spell must not leave the instance at a trickle.
     */
    static final double UNCONFIGURED_CEILING = 10;
    private final Postponements postponements = new Postponements();
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
        this.aimd = new Aimd(clock);
    }

    public RateLimitConfig config() {
        return config;
    }

    /**
     * Reserves room for the email's recipients, or says what to do instead. Counts the recipients
     * this attempt sends to: a retry goes only to those that did not get the email yet.
     */
    public Admission admit(QueuedEmail email) {
        return admit(email.id(), email.unfinishedAddresses());
    }

    Admission admit(String id, List<String> recipients) {
        if (config.none() && !aimd.anyCut()) {
            count(recipients.size());
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
        costs.forEach((key, cost) -> addCells(key, cost, cells, owners));
        if (!windowsOf(SERVER).isEmpty()) {
            addCells(SERVER, recipients.size(), cells, owners);
            costs.put(SERVER, (long) recipients.size());
        }
        if (cells.isEmpty()) {
            count(recipients.size());
            return GRANTED;
        }
        LimitState.Refusal refusal = state.reserve(cells);
        if (refusal == null) {
            count(recipients.size());
            postponements.granted(id, MemoryLimitState.micros(clock.instant()));
            if (aimd.anyCut() && inFlight.size() < MAX_TRACKED) {
                inFlight.put(id, costs);
            }
            cells.stream().filter(cell -> cell.cost() > cell.count()).forEach(cell -> LOG.log(Level.INFO,
                    "email {0} has {1} recipients under {2}, more than the window allows: it went as one, and the limit waits until they are paid off",
                    id, cell.cost(), cell.row()));
            return GRANTED;
        }
        String key = owners.get(refusal.cell());
        if (key.equals(SERVER)) {
            return new Wait(Duration.ofNanos(refusal.waitMicros() * 1000));
        }
        LimitState.Cell cell = cells.get(refusal.cell());
        long now = MemoryLimitState.micros(clock.instant());
        long until = postponements.postpone(id, key, now + refusal.waitMicros(), cell.slotMicros() * cell.cost(), now);
        // Rounded up to the millisecond the stores keep: earlier, the email would come due and be refused again.
        return new Postpone(Instant.ofEpochMilli(Math.floorDiv(until + 999, 1000)));
    }

    /**
     * One cell per window: a per-second window is a pace, carrying the pace throttling set when
     * slower; longer windows (quotas) are counted and keep theirs, and a limit with only those
     * gets a pace of its own while throttling has it cut.
     */
    private void addCells(String key, long cost, List<LimitState.Cell> cells, List<String> owners) {
        var cut = aimd.rate(key);
        long cutInterval = cut.isPresent() ? (long) Math.ceil(1e6 / cut.getAsDouble()) : 0;
        boolean paced = false;
        for (RateWindow window : windowsOf(key)) {
            String row = key + "/" + window;
            if (window.paced()) {
                cells.add(LimitState.Cell.paced(row, window.count(), Math.max(window.intervalMicros(), cutInterval), cost));
                paced = true;
            } else {
                cells.add(LimitState.Cell.counted(row, window.count(), window.lengthMicros(), cost));
            }
            owners.add(key);
        }
        if (cut.isPresent() && !paced) {
            cells.add(LimitState.Cell.paced(key + PACE, Math.max(1, (long) Math.ceil(cut.getAsDouble())), cutInterval,
                    cost));
            owners.add(key);
        }
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
        double ceiling = windows.isEmpty() ? Math.max(UNCONFIGURED_CEILING, observedPerSecond())
                : windows.get(0).perSecond();
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

    /** Emails and lines the postponement bookkeeping holds (bounded). */
    int postponementsTracked() {
        return postponements.tracked();
    }

    /** Every limit in force, with how full it is. */
    public List<RateLimitStatus> status() {
        var keys = new ArrayList<String>();
        if (!windowsOf(SERVER).isEmpty()) {
            keys.add(SERVER);
        }
        config.domains().keySet().stream().sorted().forEach(d -> keys.add(DOMAIN + d));
        otherDomainsSeen.stream().sorted().forEach(d -> keys.add(DOMAIN + d));
        var cells = new ArrayList<LimitState.Cell>();
        var owners = new ArrayList<String>();
        keys.forEach(key -> addCells(key, 1, cells, owners));
        Map<String, LimitState.Fill> fills = state.fill(cells);
        var result = new ArrayList<RateLimitStatus>();
        for (String key : keys) {
            double fullness = 0;
            long waitMicros = 0;
            for (int i = 0; i < cells.size(); i++) {
                LimitState.Fill fill = fills.get(cells.get(i).row());
                if (owners.get(i).equals(key) && fill != null) {
                    fullness = Math.max(fullness, fill.fullness());
                    waitMicros = Math.max(waitMicros, fill.waitMicros());
                }
            }
            List<RateWindow> configured = key.equals(SERVER) ? config.server() : windowsOf(key);
            double configuredRate = configured.isEmpty() ? 0 : configured.get(0).perSecond();
            double effective = aimd.rate(key).orElse(configuredRate);
            result.add(new RateLimitStatus(key, RateLimitConfig.describe(configured), configuredRate, effective,
                    fullness, waitMicros / 1000));
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

    /**
     * The domain of an address ({@code Name <a@example.com>} too) as {@link Mailboxes} spells it:
     * lower case, an internationalised domain in its ASCII form, so {@code Gmail.COM} and
     * {@code bücher.example} meet the limits of {@code gmail.com} and {@code xn--bcher-kva.example}.
     */
    static String domainOf(String address) {
        String key = Mailboxes.key(address);
        return key.substring(key.lastIndexOf('@') + 1);
    }
}
