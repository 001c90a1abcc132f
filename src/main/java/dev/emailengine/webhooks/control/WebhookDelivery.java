package dev.emailengine.webhooks.control;

import dev.emailengine.queue.control.Durations;
import dev.emailengine.webhooks.entity.Delivery;
import dev.emailengine.webhooks.entity.DeliveryAttempt;
import dev.emailengine.webhooks.entity.WebhookEndpoint;
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
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends what the outbox owes, on the server's managed executor, never in a mail worker's thread:
 * a slow or dead receiver holds at most {@code WEBHOOK_CONCURRENCY} executor threads for up to
 * the 10 s timeout each, and never a send. Polls every second and at once when an event is
 * recorded here. At least once, in no guaranteed order (a retry goes after newer events).
 */
@Singleton
@Startup
@DependsOn("MailQueue")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class WebhookDelivery {

    private static final System.Logger LOG = System.getLogger(WebhookDelivery.class.getName());
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Longer than an attempt can take, so a live instance never loses its claim mid-call. */
    static final Duration LEASE = Duration.ofMinutes(2);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration PURGE = Duration.ofHours(1);

    @Resource(name = "concurrent/emailengine/workers")
    ManagedScheduledExecutorService executor;

    @Inject
    Webhooks webhooks;

    @Inject
    @ConfigProperty(name = "webhook.retry.schedule", defaultValue = RetrySchedule.DEFAULT)
    String scheduleText;

    @Inject
    @ConfigProperty(name = "webhook.concurrency", defaultValue = "4")
    int concurrency;

    @Inject
    @ConfigProperty(name = "webhook.retention", defaultValue = "7d")
    String retentionText;

    private final Clock clock = Clock.systemUTC();
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final ReentrantLock pollLock = new ReentrantLock();
    private RetrySchedule schedule;
    private WebhookPoster poster;
    private Semaphore slots;
    private Duration retention;
    private ScheduledFuture<?> polling;
    private ScheduledFuture<?> purging;
    private volatile boolean stopped;

    @PostConstruct
    void start() {
        schedule = RetrySchedule.parse(scheduleText);
        retention = Durations.parse("WEBHOOK_RETENTION", retentionText);
        poster = new WebhookPoster(TIMEOUT, webhooks.allowPrivate());
        slots = new Semaphore(Math.max(1, concurrency));
        polling = executor.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        purging = executor.scheduleWithFixedDelay(this::purge, PURGE.toMillis(), PURGE.toMillis(), TimeUnit.MILLISECONDS);
        if (webhooks.allowPrivate()) {
            LOG.log(Level.WARNING, "WEBHOOK_ALLOW_PRIVATE is true: webhooks may go to private and loopback addresses");
        }
    }

    /** An event was recorded here: look at the outbox now rather than at the next poll. */
    public void wake() {
        if (!stopped && wakeQueued.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    wakeQueued.set(false);
                    poll();
                });
            } catch (RuntimeException e) {
                wakeQueued.set(false);
            }
        }
    }

    private void poll() {
        // One poll at a time: a wake-up during a poll is covered by the next one.
        if (stopped || !pollLock.tryLock()) {
            return;
        }
        try {
            int free = slots.availablePermits();
            if (free == 0) {
                return;
            }
            List<Delivery> due = webhooks.store().claim(clock.instant(), free, LEASE);
            for (Delivery delivery : due) {
                slots.acquireUninterruptibly();
                try {
                    executor.execute(() -> {
                        try {
                            attempt(delivery);
                        } finally {
                            slots.release();
                        }
                    });
                } catch (RuntimeException e) {
                    slots.release();
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "webhook outbox could not be read: {0}", e.getMessage());
        } finally {
            pollLock.unlock();
        }
    }

    private void attempt(Delivery delivery) {
        try {
            WebhookEndpoint endpoint = webhooks.store().endpoint(delivery.endpointId()).orElse(null);
            if (endpoint == null) {
                return; // deleted meanwhile: its deliveries went with it
            }
            Instant now = clock.instant();
            DeliveryAttempt attempt;
            Instant next = null;
            if (endpoint.disabled()) {
                attempt = attempt(delivery, null, "the endpoint is disabled", DeliveryAttempt.DISABLED, now);
            } else {
                Outcome outcome = send(endpoint, delivery, now);
                Instant at = clock.instant();
                if (outcome.status != null && outcome.status / 100 == 2) {
                    attempt = attempt(delivery, outcome.status, null, DeliveryAttempt.DELIVERED, at);
                } else if (outcome.status != null && outcome.status == 410) {
                    webhooks.disable(endpoint);
                    LOG.log(Level.WARNING, "webhook endpoint {0} answered 410 Gone: disabled", endpoint.id());
                    attempt = attempt(delivery, 410, "410 Gone: the endpoint is disabled", DeliveryAttempt.DISABLED, at);
                } else {
                    next = schedule.next(delivery.attempts() + 1, at).orElse(null);
                    attempt = attempt(delivery, outcome.status, outcome.error,
                            next == null ? DeliveryAttempt.FAILED : DeliveryAttempt.RETRYING, at);
                    if (next == null) {
                        LOG.log(Level.WARNING, "webhook event {0} to endpoint {1} given up after {2} attempts: {3}",
                                delivery.event().id(), endpoint.id(), attempt.attempt(), outcome.error);
                    }
                }
            }
            webhooks.store().attempted(delivery, attempt, next);
        } catch (RuntimeException e) {
            // The lease runs out and the delivery is due again: at least once.
            LOG.log(Level.WARNING, "webhook event {0} to endpoint {1}: the attempt could not be recorded: {2}",
                    delivery.event().id(), delivery.endpointId(), e.getMessage());
        }
    }

    private record Outcome(Integer status, String error) {
    }

    private Outcome send(WebhookEndpoint endpoint, Delivery delivery, Instant now) {
        long timestamp = now.getEpochSecond();
        byte[] body = delivery.event().payload();
        var headers = new java.util.LinkedHashMap<String, String>();
        headers.put("webhook-id", delivery.event().id());
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature",
                WebhookSignature.header(endpoint.signingSecrets(now), delivery.event().id(), timestamp, body));
        try {
            int status = poster.post(java.net.URI.create(endpoint.url()), headers, body).status();
            return new Outcome(status, status / 100 == 2 ? null : "HTTP " + status);
        } catch (java.io.IOException e) {
            return new Outcome(null, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (TargetAddresses.RefusedTargetException e) {
            return new Outcome(null, "refused: " + e.getMessage());
        }
    }

    private static DeliveryAttempt attempt(Delivery delivery, Integer status, String error, String outcome,
            Instant at) {
        return new DeliveryAttempt(delivery.event().id(), delivery.event().type(), delivery.attempts() + 1, status,
                error, outcome, at);
    }

    private void purge() {
        try {
            int purged = webhooks.store().purgeFinished(clock.instant().minus(retention));
            if (purged > 0) {
                LOG.log(Level.INFO, "purged {0} finished webhook deliveries older than {1}", purged, retention);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "webhook purge failed: {0}", e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        stopped = true;
        for (ScheduledFuture<?> task : new ScheduledFuture<?>[] {polling, purging}) {
            if (task != null) {
                task.cancel(false);
            }
        }
    }
}
