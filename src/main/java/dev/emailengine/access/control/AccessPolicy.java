package dev.emailengine.access.control;

import dev.emailengine.platform.Digests;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.SecurityContext;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reads {@code API_KEYS} once and enforces the deployment rule: without keys the service must
 * listen on loopback only ({@code HTTP_BIND_ADDRESS}), so the deployment fails rather than expose
 * an open mail relay to the network.
 */
@ApplicationScoped
public class AccessPolicy {

    /** The role of a caller that presented a valid API key. */
    public static final String API_CLIENT = "api-client";

    private static final System.Logger LOG = System.getLogger(AccessPolicy.class.getName());
    public static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "bearer ";

    @Inject
    @ConfigProperty(name = "api.keys")
    Optional<String> keysSetting;

    @Inject
    @ConfigProperty(name = "http.bind.address", defaultValue = "127.0.0.1")
    String bindAddress;

    private ApiKeys keys;

    @PostConstruct
    void init() {
        keys = ApiKeys.parse(keysSetting.orElse(""));
        if (!keys.isEmpty()) {
            LOG.log(Level.INFO, "API keys required on every endpoint except health, docs, the dashboard''s files and unsubscribe links ({0} key(s) configured)",
                    keys.count());
        } else if (ApiKeys.isLoopback(bindAddress)) {
            LOG.log(Level.WARNING, "API_KEYS is not set: the API is UNAUTHENTICATED and listens on {0} only",
                    bindAddress);
        } else {
            throw new IllegalStateException("HTTP_BIND_ADDRESS is " + bindAddress
                    + " but API_KEYS is not set: set API_KEYS to listen beyond loopback");
        }
    }

    /**
     * Observing start-up creates the bean, so {@link #init()} runs (and a forbidden configuration
     * fails the deployment) before the first request rather than at it.
     */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        LOG.log(Level.DEBUG, "access policy in force");
    }

    public boolean required() {
        return !keys.isEmpty();
    }

    public boolean accepts(String presentedKey) {
        return keys.accepts(presentedKey);
    }

    /**
     * The key a request presents: {@code Authorization: Bearer <key>}, else {@code X-API-Key}.
     *
     * @param header reads a request header by name (null when absent)
     */
    public static String presentedKey(UnaryOperator<String> header) {
        String authorization = header.apply("Authorization");
        if (authorization != null && authorization.length() > BEARER.length()
                && authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return authorization.substring(BEARER.length()).strip();
        }
        return header.apply(API_KEY_HEADER);
    }

    /**
     * Who is calling, as far as scoping their data goes: a digest of their (already accepted) API
     * key, or the empty string when the service runs without keys and has a single caller.
     */
    public String callerOf(UnaryOperator<String> header) {
        String key = required() ? presentedKey(header) : null;
        return key == null ? "" : Digests.sha256Hex(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether a caller may see internals on an endpoint open to all (file paths, free space, the
     * SMTP server's error text): a caller with a valid key may, and so may anyone when no keys are
     * configured, since the whole API is then open to loopback callers anyway.
     */
    public boolean showsDetailsTo(SecurityContext caller) {
        return !required() || caller != null && caller.isUserInRole(API_CLIENT);
    }

    /** Whether internals may be shown to a caller nobody has identified (MicroProfile Health's). */
    public boolean showsDetailsToAnyone() {
        return !required();
    }
}
