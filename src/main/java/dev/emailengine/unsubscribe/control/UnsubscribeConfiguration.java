package dev.emailengine.unsubscribe.control;

import dev.emailengine.suppressions.control.Addresses;
import dev.emailengine.suppressions.entity.ListIds;
import dev.emailengine.unsubscribe.entity.Unsubscription;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The configured {@link UnsubscribeLinks}, read and checked when the application starts. */
@ApplicationScoped
public class UnsubscribeConfiguration {

    private static final System.Logger LOG = System.getLogger(UnsubscribeConfiguration.class.getName());

    @Inject
    @ConfigProperty(name = "public.base.url")
    Optional<String> publicBaseUrl;

    @Inject
    @ConfigProperty(name = "unsubscribe.secret")
    Optional<String> secret;

    /** Secrets rotated out: links already sent with them keep working (operations.md, rotating the secret). */
    @Inject
    @ConfigProperty(name = "unsubscribe.previous.secrets")
    Optional<String> previousSecrets;

    private UnsubscribeLinks links;

    @PostConstruct
    void load() {
        try {
            links = UnsubscribeLinks.configured(publicBaseUrl, secret, previousSecrets);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("One-click unsubscribe is misconfigured, so Email Engine does not start: "
                    + e.getMessage(), e);
        }
        if (secret.filter(s -> !UnsubscribeLinks.canBeRotatedOut(s)).isPresent()) {
            LOG.log(Level.WARNING, "UNSUBSCRIBE_SECRET contains a comma: it signs and verifies as it is, but when it is"
                    + " rotated out, UNSUBSCRIBE_PREVIOUS_SECRETS (comma-separated) would split it and the links it"
                    + " signed would stop working; choose a secret without commas (openssl rand -base64 32 has none)");
        }
        if (links.previousSecrets() > 0) {
            LOG.log(Level.INFO, "unsubscribe links signed with {0} previous secret(s) (UNSUBSCRIBE_PREVIOUS_SECRETS)"
                    + " are still accepted; new links use UNSUBSCRIBE_SECRET", links.previousSecrets());
        }
        if (!links.enabled()) {
            LOG.log(Level.INFO, "PUBLIC_BASE_URL is not set: bulk emails go out without List-Unsubscribe headers"
                    + " (there is no public address for the links to point at), and Gmail and Yahoo expect one-click"
                    + " unsubscribe from bulk senders");
        } else if (!links.secure()) {
            LOG.log(Level.WARNING, "PUBLIC_BASE_URL is not https: RFC 8058 one-click unsubscribe needs an HTTPS link,"
                    + " so mailbox providers will not offer it");
        } else {
            LOG.log(Level.INFO, "one-click unsubscribe links point at {0}", links.url("x@example.com", "default")
                    .map(u -> u.substring(0, u.indexOf(UnsubscribeLinks.PATH) + UnsubscribeLinks.PATH.length()))
                    .orElse(""));
        }
    }

    /** Observing start-up creates the bean, so a bad setting fails the deployment, not the first email. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        LOG.log(Level.DEBUG, "one-click unsubscribe configured");
    }

    public UnsubscribeLinks links() {
        return links;
    }

    /**
     * What a token from a link stands for, when this service signed it and it names an address
     * and list intake would have made it for; empty otherwise.
     */
    public Optional<Unsubscription> verify(String token) {
        return links.verify(token).filter(u -> ListIds.isValid(u.listId())).flatMap(u -> {
            try {
                return Optional.of(new Unsubscription(Addresses.normalise(u.address()), u.listId()));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }
}
