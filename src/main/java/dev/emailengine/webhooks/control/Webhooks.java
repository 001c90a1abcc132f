package dev.emailengine.webhooks.control;

import dev.emailengine.platform.DurableFiles;
import dev.emailengine.platform.Fsync;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.control.QueueStorageException;
import dev.emailengine.webhooks.entity.CreatedEndpoint;
import dev.emailengine.webhooks.entity.EventType;
import dev.emailengine.webhooks.entity.WebhookEndpoint;
import dev.emailengine.webhooks.entity.WebhookEvent;
import dev.emailengine.webhooks.entity.WebhookRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Webhook endpoints and the outbox, in the store that matches the queue's: the queue's
 * PostgreSQL when it has one (shared by every instance), otherwise files under
 * {@code DATA_DIR/webhooks/}. Registration checks the URL, its event types and where its host
 * resolves; the endpoints are cached for {@link #ENDPOINT_CACHE} so recording an event costs no
 * lookup (an endpoint registered on another instance gets events from this one within that time).
 */
@ApplicationScoped
public class Webhooks {

    private static final System.Logger LOG = System.getLogger(Webhooks.class.getName());
    static final Duration ENDPOINT_CACHE = Duration.ofSeconds(2);
    /** How long the secret before a rotation keeps signing. */
    public static final Duration ROTATION_OVERLAP = Duration.ofHours(24);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    MailQueue queue;

    @Inject
    @ConfigProperty(name = "data.dir", defaultValue = "./data")
    String dataDir;

    @Inject
    @ConfigProperty(name = "webhook.allow.private", defaultValue = "false")
    boolean allowPrivate;

    @Inject
    @ConfigProperty(name = "webhook.max.endpoints", defaultValue = "100")
    int maxEndpoints;

    private Clock clock = Clock.systemUTC();
    private volatile WebhookStore store;
    private volatile List<WebhookEndpoint> cached;
    private volatile long cachedAt;

    public Webhooks() {
    }

    /** For tests. */
    Webhooks(WebhookStore store, boolean allowPrivate, int maxEndpoints, Clock clock) {
        this.store = store;
        this.allowPrivate = allowPrivate;
        this.maxEndpoints = maxEndpoints;
        this.clock = clock;
    }

    /** Chosen at first use, as the suppression list's: the database may not answer at start-up. */
    public WebhookStore store() {
        WebhookStore chosen = store;
        if (chosen != null) {
            return chosen;
        }
        synchronized (this) {
            if (store == null) {
                Optional<DataSource> database;
                try {
                    database = queue.database();
                } catch (QueueStorageException e) {
                    throw new WebhookStorageException("the webhooks' database does not answer: " + e.getMessage(), e);
                }
                store = database.<WebhookStore>map(PgWebhookStore::new)
                        .orElseGet(() -> new FileWebhookStore(Path.of(dataDir).resolve("webhooks"),
                                new DurableFiles(new Fsync())));
                LOG.log(Level.INFO, "webhooks are kept in {0}", store.description());
            }
            return store;
        }
    }

    public boolean allowPrivate() {
        return allowPrivate;
    }

    public CreatedEndpoint register(WebhookRequest request) {
        URI url = checkedUrl(request.url());
        List<String> events = checkedEvents(request.events());
        String secret = WebhookSignature.newSecret();
        var endpoint = new WebhookEndpoint(newId(), url.toString(), events, secret, null, null, false,
                clock.instant());
        if (!store().addEndpoint(endpoint, maxEndpoints)) {
            throw new InvalidInputException(422, "Too many webhook endpoints", List.of(new FieldError("url",
                    "there are " + maxEndpoints + " endpoints already (WEBHOOK_MAX_ENDPOINTS); delete one first")));
        }
        forget();
        LOG.log(Level.INFO, "webhook endpoint {0} registered for {1}", endpoint.id(),
                events.isEmpty() ? "every event" : String.join(", ", events));
        return new CreatedEndpoint(endpoint.id(), endpoint.url(), endpoint.events(), secret);
    }

    /** A new secret; the old one keeps signing for {@link #ROTATION_OVERLAP}. */
    public Optional<CreatedEndpoint> rotate(String id) {
        Optional<WebhookEndpoint> found = store().endpoint(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        String secret = WebhookSignature.newSecret();
        WebhookEndpoint rotated = found.get().rotated(secret, clock.instant().plus(ROTATION_OVERLAP));
        if (!store().updateEndpoint(rotated)) {
            return Optional.empty();
        }
        forget();
        LOG.log(Level.INFO, "webhook endpoint {0}: secret rotated, the previous one signs until {1}", id,
                rotated.previousSecretUntil());
        return Optional.of(new CreatedEndpoint(rotated.id(), rotated.url(), rotated.events(), secret));
    }

    public boolean remove(String id) {
        boolean removed = store().removeEndpoint(id);
        if (removed) {
            forget();
            LOG.log(Level.INFO, "webhook endpoint {0} deleted", id);
        }
        return removed;
    }

    /** Makes one event due for the endpoint now (a replay); false when the endpoint never had it or it was purged. */
    public boolean replay(String endpointId, String eventId) {
        boolean replayed = store().replay(endpointId, eventId, clock.instant());
        if (replayed) {
            LOG.log(Level.INFO, "webhook event {0} to endpoint {1} replayed", eventId, endpointId);
        }
        return replayed;
    }

    /** Stops sending to an endpoint whose receiver answered 410 Gone. */
    void disable(WebhookEndpoint endpoint) {
        store().updateEndpoint(endpoint.withDisabled(true));
        forget();
    }

    public List<WebhookEndpoint> endpoints() {
        List<WebhookEndpoint> endpoints = cached;
        long now = System.nanoTime();
        if (endpoints == null || now - cachedAt > ENDPOINT_CACHE.toNanos()) {
            endpoints = store().endpoints();
            cached = endpoints;
            cachedAt = now;
        }
        return endpoints;
    }

    /** Records the event for every endpoint that wants it; nothing when none does. */
    public void record(EventType type, WebhookEvent event) {
        var ids = new ArrayList<String>();
        for (WebhookEndpoint endpoint : endpoints()) {
            if (endpoint.wants(type.wireName())) {
                ids.add(endpoint.id());
            }
        }
        if (!ids.isEmpty()) {
            store().record(event, ids, event.createdAt());
        }
    }

    /** Whether any endpoint wants events of the type: when none does, no payload is built. */
    public boolean wanted(EventType type) {
        return endpoints().stream().anyMatch(e -> e.wants(type.wireName()));
    }

    private void forget() {
        cached = null;
    }

    private URI checkedUrl(String text) {
        URI url;
        try {
            url = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw invalid("url", "is not a URL: " + e.getReason());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid("url", "must be an http or https URL");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw invalid("url", "has no host");
        }
        if (url.getRawUserInfo() != null) {
            throw invalid("url", "must not hold a user name or password");
        }
        if (url.getRawFragment() != null) {
            throw invalid("url", "must not have a fragment");
        }
        String host = url.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            TargetAddresses.resolve(host, allowPrivate);
        } catch (UnknownHostException e) {
            throw unprocessable("url", "host " + host + " does not resolve");
        } catch (TargetAddresses.RefusedTargetException e) {
            throw unprocessable("url", "is refused: " + e.getMessage()
                    + " (webhooks go to public addresses only unless WEBHOOK_ALLOW_PRIVATE=true)");
        }
        return url;
    }

    private static List<String> checkedEvents(List<String> events) {
        if (events == null) {
            return List.of();
        }
        var errors = new ArrayList<FieldError>();
        var kept = new LinkedHashSet<String>();
        for (int i = 0; i < events.size(); i++) {
            String type = events.get(i);
            if (type == null || EventType.of(type).isEmpty()) {
                errors.add(new FieldError("events[" + i + "]", "is not an event type; one of "
                        + String.join(", ", EventType.allWireNames())));
            } else {
                kept.add(type);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(422, "Unknown event type", errors);
        }
        return List.copyOf(kept);
    }

    private static InvalidInputException invalid(String field, String message) {
        return InvalidInputException.badRequest(field, message);
    }

    private static InvalidInputException unprocessable(String field, String message) {
        return new InvalidInputException(422, "Webhook URL refused", List.of(new FieldError(field, message)));
    }

    private static String newId() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return "ep_" + HexFormat.of().formatHex(bytes);
    }

    Instant now() {
        return clock.instant();
    }
}
