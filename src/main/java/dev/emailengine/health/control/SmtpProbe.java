package dev.emailengine.health.control;

import dev.emailengine.dispatch.control.DeliveryFailure;
import dev.emailengine.dispatch.control.Dispatcher;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Whether the SMTP server answers: a real connect (greeting, EHLO, TLS, AUTH) and QUIT, cached
 * for a few seconds so health endpoints stay cheap however often they are polled. While the
 * dispatcher's outage breaker is open the answer is its last error, without another connect.
 * <p>
 * At most one probe is in flight: when the cache expires under a burst of health and readiness
 * calls, one caller connects and the others answer with the previous result. Each of them
 * logging in would be a login storm, and providers lock accounts out for less.
 */
@ApplicationScoped
public class SmtpProbe {

    static final Duration CACHE_FOR = Duration.ofSeconds(5);

    @Resource(name = "mail/emailengine")
    Session session;

    @Inject
    Dispatcher dispatcher;

    /** The clock the cache runs on; a test moves it instead of waiting. */
    LongSupplier nanoTime = System::nanoTime;

    private record Result(long atNanos, Optional<String> problem) {
    }

    private volatile Result last;
    private final AtomicReference<CompletableFuture<Result>> inFlight = new AtomicReference<>();

    /** Empty when the server answered; otherwise why not. */
    public Optional<String> problem() {
        String outage = dispatcher.breaker().lastError();
        if (outage != null) {
            return Optional.of(outage);
        }
        Result cached = last;
        if (fresh(cached)) {
            return cached.problem();
        }
        var mine = new CompletableFuture<Result>();
        CompletableFuture<Result> running = inFlight.compareAndExchange(null, mine);
        if (running != null) {
            // Someone else is connecting. Only the very first callers, with nothing to fall back
            // on, wait for that answer (as long as a connect of their own would have taken).
            return cached != null ? cached.problem() : running.join().problem();
        }
        try {
            Result result = last;
            if (!fresh(result)) { // a probe may have finished between the look at the cache and here
                result = new Result(nanoTime.getAsLong(), connect());
                last = result;
            }
            mine.complete(result);
            return result.problem();
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.set(null);
        }
    }

    private boolean fresh(Result result) {
        return result != null && nanoTime.getAsLong() - result.atNanos() < CACHE_FOR.toNanos();
    }

    private Optional<String> connect() {
        try (Transport transport = session.getTransport()) {
            transport.connect();
            return Optional.empty();
        } catch (MessagingException e) {
            return Optional.of(DeliveryFailure.describe(e));
        }
    }
}
