package dev.emailengine.health.control;

import dev.emailengine.dispatch.control.Dispatcher;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.time.Duration;
import java.util.Optional;

/**
 * Whether the SMTP server answers: a real connect (greeting, EHLO, TLS, AUTH) and QUIT, cached
 * for a few seconds so health endpoints stay cheap however often they are polled. While the
 * dispatcher's outage breaker is open the answer is its last error, without another connect.
 */
@ApplicationScoped
public class SmtpProbe {

    static final Duration CACHE_FOR = Duration.ofSeconds(5);

    @Resource(name = "mail/emailengine")
    Session session;

    @Inject
    Dispatcher dispatcher;

    private record Result(long atNanos, Optional<String> problem) {
    }

    private volatile Result last;

    /** Empty when the server answered; otherwise why not. */
    public Optional<String> problem() {
        String outage = dispatcher.breaker().lastError();
        if (outage != null) {
            return Optional.of(outage);
        }
        Result cached = last;
        if (cached != null && System.nanoTime() - cached.atNanos() < CACHE_FOR.toNanos()) {
            return cached.problem();
        }
        Result fresh = new Result(System.nanoTime(), connect());
        last = fresh;
        return fresh.problem();
    }

    private Optional<String> connect() {
        try (Transport transport = session.getTransport()) {
            transport.connect();
            return Optional.empty();
        } catch (MessagingException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
            if (e.getNextException() != null && e.getNextException().getMessage() != null) {
                reason += " (" + e.getNextException().getMessage().strip() + ")";
            }
            return Optional.of(reason);
        }
    }
}
