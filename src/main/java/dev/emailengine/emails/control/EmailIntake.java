package dev.emailengine.emails.control;

import dev.emailengine.emails.entity.AcceptedBatch;
import dev.emailengine.platform.JsonRequests;
import dev.emailengine.platform.RequestBodyReader;
import dev.emailengine.emails.entity.AcceptedEmail;
import dev.emailengine.emails.entity.BulkRequest;
import dev.emailengine.emails.entity.EmailRequest;
import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.QueuedEmail;
import dev.emailengine.suppressions.control.SuppressionList;
import dev.emailengine.suppressions.entity.ListIds;
import dev.emailengine.templates.control.Templates;
import dev.emailengine.unsubscribe.control.UnsubscribeConfiguration;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.validation.Validator;
import jakarta.validation.groups.Default;
import jakarta.ws.rs.ServiceUnavailableException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * From request bytes to durably queued emails: read within limits, parse, validate and render,
 * enqueue, answer; with an Idempotency-Key, at most once per key.
 */
@ApplicationScoped
public class EmailIntake {

    static final Duration BULK_SLOT_WAIT = Duration.ofSeconds(10);
    static final long BULK_RETRY_AFTER_SECONDS = 5;

    @Inject
    MailQueue queue;

    @Inject
    Templates templates;

    @Inject
    IdempotencyKeys idempotency;

    @Inject
    SuppressionList suppressions;

    @Inject
    UnsubscribeConfiguration unsubscribe;

    @Inject
    @ConfigProperty(name = "max.request.bytes", defaultValue = "16777216")
    long maxRequestBytes;

    @Inject
    @ConfigProperty(name = "max.body.bytes", defaultValue = "5242880")
    long maxBodyBytes;

    @Inject
    @ConfigProperty(name = "max.attachment.bytes", defaultValue = "10485760")
    long maxAttachmentBytes;

    @Inject
    @ConfigProperty(name = "max.bulk.bytes", defaultValue = "67108864")
    long maxBulkBytes;

    @Inject
    @ConfigProperty(name = "max.concurrent.bulks", defaultValue = "2")
    int maxConcurrentBulks;

    @Inject
    Validator validator;

    private RequestBodyReader reader;
    private JsonRequests requests;
    private EmailAssembler assembler;
    private BulkAssembler bulk;
    private RecipientScreen screen;
    private ListUnsubscribe listUnsubscribe;
    /** Each bulk in progress may hold a request and MAX_BULK_BYTES of rendered mail: a few at a time. */
    private Semaphore bulkSlots;

    @PostConstruct
    void init() {
        reader = new RequestBodyReader(maxRequestBytes);
        requests = new JsonRequests(validator);
        assembler = new EmailAssembler(new EmailAssembler.Limits(maxBodyBytes, maxAttachmentBytes), templates,
                Clock.systemUTC());
        bulk = new BulkAssembler(assembler, maxBulkBytes);
        screen = new RecipientScreen(suppressions::suppressed);
        listUnsubscribe = new ListUnsubscribe(unsubscribe.links());
        bulkSlots = new Semaphore(Math.max(1, maxConcurrentBulks), true);
    }

    /**
     * {@code POST /email}; returns the JSON answer.
     *
     * @param caller who asks, for the scope of an Idempotency-Key (see {@link IdempotencyKeys})
     */
    public String accept(InputStream body, String idempotencyKey, String caller) {
        byte[] bytes = reader.read(body);
        return idempotency.answer(idempotencyKey, caller, "POST /email", bytes, claim -> {
            EmailRequest request = requests.bind(reader.parseObject(bytes), EmailRequest.class, Default.class,
                    EmailRequest.Single.class);
            // Transactional unless the request names a list: then the recipient may unsubscribe from it.
            String listId = request.listId();
            EmailMessage message = listUnsubscribe.message(
                    assembler.assemble(listUnsubscribe.request(request, listId)), listId);
            Instant dueAt = assembler.dueAt(request);
            // After the 400s, like the suppression check: a 422 refuses a request that is otherwise valid.
            listUnsubscribe.refuseCopies(request, listId);
            screen.single(message, listId);
            QueuedEmail queued = queue.enqueueAll(List.of(message), request.priority(), request.templateName(),
                    dueAt, claim).get(0);
            return AcceptedEmail.queued(queued.id(), queued.createdAt());
        }, first -> AcceptedEmail.queued(first.ids().get(0), first.createdAt()));
    }

    /** {@code POST /emails}; returns the JSON answer. */
    public String acceptBulk(InputStream body, String idempotencyKey, String caller) {
        try {
            if (!bulkSlots.tryAcquire(BULK_SLOT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ServiceUnavailableException(
                        "too many bulk requests in progress (MAX_CONCURRENT_BULKS); retry shortly", BULK_RETRY_AFTER_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailableException("the server is stopping", BULK_RETRY_AFTER_SECONDS);
        }
        try {
            return acceptBulkInSlot(body, idempotencyKey, caller);
        } finally {
            bulkSlots.release();
        }
    }

    private String acceptBulkInSlot(InputStream body, String idempotencyKey, String caller) {
        byte[] bytes = reader.read(body);
        return idempotency.answer(idempotencyKey, caller, "POST /emails", bytes, claim -> {
            JsonObject json = reader.parseObject(bytes);
            // One JSON object, read twice: the shared message, and what only a bulk has.
            JsonRequests.Binding<EmailRequest> shared = requests.tryBind(json, EmailRequest.class);
            JsonRequests.Binding<BulkRequest> bulkOnly = requests.tryBind(json, BulkRequest.class);
            JsonRequests.throwIfInvalid(shared, bulkOnly);
            String listId = bulkList(shared.value());
            List<EmailMessage> messages = bulk.assemble(shared.value(),
                    listUnsubscribe.bulk(shared.value(), bulkOnly.value(), listId)).stream()
                    .map(m -> listUnsubscribe.message(m, listId)).toList();
            Instant dueAt = assembler.dueAt(shared.value());
            // A bulk's cc and bcc are shared by every recipient's email, so they are named as the request's own.
            listUnsubscribe.refuseCopies(shared.value(), listId);
            RecipientScreen.Screened screened = screen.bulk(messages, listId);
            if (screened.kept().isEmpty()) {
                // Every recipient is suppressed: nothing to queue, and no idempotency record to keep.
                return AcceptedBatch.queued(List.of(), screened.suppressed(), Instant.now());
            }
            List<QueuedEmail> queued = queue.enqueueAll(screened.kept(), shared.value().priority(),
                    shared.value().templateName(), dueAt, claim);
            return AcceptedBatch.queued(queued.stream().map(QueuedEmail::id).toList(), screened.suppressed(),
                    queued.get(0).createdAt());
        }, first -> AcceptedBatch.queued(first.ids(), suppressedAgain(bytes, first.ids().size()), first.createdAt()));
    }

    /**
     * A repeat's {@code suppressed}: the record keeps only the ids, so when the first request
     * queued fewer emails than it had recipients, the recipients on the list now are named again.
     */
    private List<AcceptedBatch.Suppressed> suppressedAgain(byte[] bytes, int queued) {
        JsonObject json = reader.parseObject(bytes);
        List<BulkRequest.Recipient> recipients = requests.tryBind(json, BulkRequest.class).value().recipients();
        if (recipients == null || recipients.size() <= queued) {
            return List.of();
        }
        return screen.suppressedAmong(recipients.stream().map(BulkRequest.Recipient::toEmail).toList(),
                bulkList(requests.tryBind(json, EmailRequest.class).value()));
    }

    /** A bulk is always mail of a list: its own, or the default one. */
    private static String bulkList(EmailRequest shared) {
        return shared.listId() != null ? shared.listId() : ListIds.DEFAULT;
    }
}
