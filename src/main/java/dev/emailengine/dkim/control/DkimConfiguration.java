package dev.emailengine.dkim.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.Session;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The DKIM settings, read into {@link DkimKeys} when the application starts (the dispatcher needs them first). */
@ApplicationScoped
public class DkimConfiguration {

    private static final System.Logger LOG = System.getLogger(DkimConfiguration.class.getName());

    @Resource(name = "mail/emailengine")
    Session session;

    @Inject
    @ConfigProperty(name = "sender.email")
    Optional<String> senderEmail;

    @Inject
    @ConfigProperty(name = "dkim.selector")
    Optional<String> selector;

    @Inject
    @ConfigProperty(name = "dkim.private.key")
    Optional<String> privateKey;

    @Inject
    @ConfigProperty(name = "dkim.keys")
    Optional<String> keys;

    private DkimKeys configured;

    @PostConstruct
    void load() {
        String sender = senderEmail.filter(s -> !s.isBlank()).orElseGet(() -> session.getProperty("mail.from"));
        try {
            configured = DkimKeys.configured(sender == null ? "" : sender, selector, privateKey, keys, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("DKIM is misconfigured, so Email Engine does not start (it would send"
                    + " unsigned mail): " + e.getMessage(), e);
        }
        if (configured.isEmpty()) {
            LOG.log(Level.INFO, "no DKIM key configured (DKIM_SELECTOR/DKIM_PRIVATE_KEY, DKIM_KEYS): mail goes out"
                    + " unsigned, and Gmail and Yahoo put unsigned bulk mail in spam");
        } else {
            configured.records().forEach(r -> LOG.log(Level.INFO, "DKIM: {0} {1} with {2}",
                    r.signing() ? "signing mail from " + r.domain() : "publishing", r.dnsName(), r.algorithm()));
        }
    }

    public DkimKeys keys() {
        return configured;
    }
}
