package dev.emailengine.dispatch.control;

import dev.emailengine.dkim.control.DkimConfiguration;
import dev.emailengine.pacing.control.RateLimits;
import dev.emailengine.queue.control.Durations;
import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.EmailEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.mail.Session;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Starts {@code NUM_WORKERS} workers on the server's managed scheduled executor when the
 * application starts, restarts one whose task ended, and stops them when it stops, letting an
 * email being sent finish first.
 */
@Singleton
@Startup
@DependsOn("MailQueue")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class Dispatcher {

    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration SUPERVISION_INTERVAL = Duration.ofSeconds(5);

    @Resource(name = "concurrent/emailengine/workers")
    ManagedScheduledExecutorService executor;

    @Resource(name = "mail/emailengine")
    Session session;

    @Inject
    MailQueue queue;

    @Inject
    DkimConfiguration dkim;

    /** Read at start-up, so a bad RATE_LIMIT or DOMAIN_RATE_LIMITS stops the deployment. */
    @Inject
    RateLimits rateLimits;

    /** Delivery outcomes, for whoever watches (metrics). */
    @Inject
    Event<EmailEvent> events;

    @Inject
    @ConfigProperty(name = "num.workers", defaultValue = "3")
    int numWorkers;

    @Inject
    @ConfigProperty(name = "auto.processing.enabled", defaultValue = "true")
    boolean autoProcessing;

    @Inject
    @ConfigProperty(name = "worker.polling.interval", defaultValue = "5")
    int pollingIntervalSeconds;

    @Inject
    @ConfigProperty(name = "retry.base.delay", defaultValue = "60")
    double retryBaseDelaySeconds;

    @Inject
    @ConfigProperty(name = "retry.max.delay", defaultValue = "3600")
    double retryMaxDelaySeconds;

    @Inject
    @ConfigProperty(name = "max.queue.lifetime", defaultValue = "48h")
    String maxQueueLifetime;

    @Inject
    @ConfigProperty(name = "throttle.delay", defaultValue = "5")
    double throttleDelaySeconds;

    @Inject
    @ConfigProperty(name = "outage.probe.interval", defaultValue = "1")
    double probeIntervalSeconds;

    @Inject
    @ConfigProperty(name = "outage.probe.max.interval", defaultValue = "30")
    double probeMaxIntervalSeconds;

    @Inject
    @ConfigProperty(name = "sender.email")
    Optional<String> senderEmail;

    @Inject
    @ConfigProperty(name = "sender.name")
    Optional<String> senderName;

    private WorkerPool pool = new WorkerPool(null, List.of());
    private final PauseSwitch pause = new PauseSwitch();
    private SmtpCircuitBreaker breaker;
    private Deliverer deliverer;
    private SmtpConnection manualConnection;

    @PostConstruct
    void start() {
        String from = senderEmail.filter(s -> !s.isBlank()).orElseGet(() -> session.getProperty("mail.from"));
        if (from == null || from.isBlank()) {
            throw new IllegalStateException("No sender address: set SENDER_EMAIL (or mail.from on the mail session)");
        }
        var retryPolicy = new RetryPolicy(seconds(retryBaseDelaySeconds), seconds(retryMaxDelaySeconds),
                Durations.parse("MAX_QUEUE_LIFETIME", maxQueueLifetime), seconds(throttleDelaySeconds));
        if (!partialSends(session)) {
            LOG.log(Level.WARNING, "the mail session does not set mail.smtp.sendpartial=true: a recipient the SMTP"
                    + " server refuses stops the email for all its recipients until it is retried without them");
        }
        breaker = new SmtpCircuitBreaker(seconds(probeIntervalSeconds), seconds(probeMaxIntervalSeconds),
                Clock.systemUTC());
        deliverer = new Deliverer(queue, session, new MimeComposer(from, senderName.orElse(null), dkim.keys()), retryPolicy,
                breaker, Clock.systemUTC(), events::fire);
        manualConnection = new SmtpConnection(session, "process-batch");
        rateLimits.pacer(); // reads the limits now: a bad value stops the start, not the first send
        if (!autoProcessing) {
            LOG.log(Level.INFO, "AUTO_PROCESSING_ENABLED is false: no workers started");
            return;
        }
        Duration pollingInterval = Duration.ofSeconds(Math.max(1, pollingIntervalSeconds));
        var workers = new ArrayList<Worker>();
        for (int i = 1; i <= Math.max(1, numWorkers); i++) {
            String name = "worker-" + i;
            workers.add(new Worker(name, queue, deliverer, new SmtpConnection(session, name), breaker, pause,
                    pollingInterval, rateLimits.pacer()));
        }
        pool = new WorkerPool(executor, workers);
        pool.start(SUPERVISION_INTERVAL);
        LOG.log(Level.INFO, "{0} workers started, sending as {1}", workers.size(), from);
    }

    @PreDestroy
    void stop() {
        pool.requestStop();
        queue.wakeAll();
        breaker.wakeAll();
        pause.wakeAll();
        pool.awaitStop(STOP_GRACE);
        synchronized (manualConnection) {
            manualConnection.close();
        }
    }

    /**
     * Claims and delivers the next due email on the caller's thread ({@code POST /process-batch}),
     * whether or not workers run; a manual call is also a probe while the breaker is open.
     */
    public Optional<ManualRun> processNext() {
        Optional<dev.emailengine.queue.entity.QueuedEmail> next = queue.claimNext();
        if (next.isEmpty()) {
            return Optional.empty();
        }
        synchronized (manualConnection) {
            return Optional.of(new ManualRun(next.get().id(), deliverer.deliver(next.get(), manualConnection)));
        }
    }

    public record ManualRun(String id, Deliverer.Outcome outcome) {
    }

    public void pause() {
        pause.pause();
        LOG.log(Level.INFO, "delivery paused");
    }

    public void resume() {
        pause.resume();
        LOG.log(Level.INFO, "delivery resumed");
    }

    public boolean paused() {
        return pause.paused();
    }

    public SmtpCircuitBreaker breaker() {
        return breaker;
    }

    public List<Worker> workers() {
        return pool.workers();
    }

    public boolean autoProcessingEnabled() {
        return autoProcessing;
    }

    /**
     * Whether the server's mail session sends to the accepted recipients when others are refused
     * (server-config/ sets it); the property is Jakarta Mail's, read by its SMTP transport.
     */
    static boolean partialSends(Session session) {
        String protocol = session.getProperty("mail.transport.protocol");
        String name = protocol == null || protocol.isBlank() ? "smtp" : protocol.strip();
        return Boolean.parseBoolean(session.getProperty("mail." + name + ".sendpartial"));
    }

    private static Duration seconds(double value) {
        return Duration.ofMillis(Math.round(value * 1000));
    }
}
