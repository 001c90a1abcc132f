package dev.emailengine.suppressions.control;

import dev.emailengine.platform.DurableFiles;
import dev.emailengine.platform.Fsync;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.control.QueueStorageException;
import dev.emailengine.queue.entity.EmailEvent;
import dev.emailengine.suppressions.entity.Suppression;
import dev.emailengine.suppressions.entity.SuppressionAdded;
import dev.emailengine.suppressions.entity.SuppressionPage;
import dev.emailengine.suppressions.entity.SuppressionRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The suppression list, in the store that matches the queue's: the queue's PostgreSQL when it
 * has one (shared by every instance), otherwise files under {@code DATA_DIR/suppressions/}.
 * Hard bounces add to it (it observes {@link EmailEvent.Bounced}); operators add and remove;
 * one-click unsubscribes add entries scoped to a list; intake asks it about every recipient of a
 * request, for the request's list, in one lookup.
 */
@ApplicationScoped
public class SuppressionList {

    private static final System.Logger LOG = System.getLogger(SuppressionList.class.getName());

    @Inject
    MailQueue queue;

    @Inject
    @ConfigProperty(name = "data.dir", defaultValue = "./data")
    String dataDir;

    /** Entries added, for whoever watches (webhooks); null in unit tests. */
    @Inject
    Event<SuppressionAdded> additions;

    private Clock clock = Clock.systemUTC();
    private volatile SuppressionStore store;

    public SuppressionList() {
    }

    /** For tests: a list on this store and clock. */
    SuppressionList(SuppressionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Chosen at first use rather than at start-up: on PostgreSQL the database may not answer
     * yet, and the service starts anyway (see the queue).
     */
    private SuppressionStore store() {
        SuppressionStore chosen = store;
        if (chosen != null) {
            return chosen;
        }
        synchronized (this) {
            if (store == null) {
                Optional<DataSource> database;
                try {
                    database = queue.database();
                } catch (QueueStorageException e) {
                    throw new SuppressionStorageException("the suppression list's database does not answer: "
                            + e.getMessage(), e);
                }
                store = database.<SuppressionStore>map(PgSuppressionStore::new)
                        .orElseGet(() -> new FileSuppressionStore(Path.of(dataDir).resolve("suppressions"),
                                new DurableFiles(new Fsync())));
                LOG.log(Level.INFO, "the suppression list is kept in {0}", store.description());
            }
            return store;
        }
    }

    /**
     * An operator's entry for a normalised address, for all mail ({@code listId} null) or one
     * list; an address already on the list for that scope keeps its first entry.
     */
    public SuppressionStore.Added add(String address, String reason, String listId) {
        SuppressionStore.Added added = store().add(new Suppression(address, reason == null || reason.isBlank() ? null
                : reason.strip(), Suppression.OPERATOR, null, clock.instant(), listId));
        if (added.created()) {
            LOG.log(Level.INFO, "{0} added to the suppression list by an operator{1}", address, scope(listId));
            announce(added);
        }
        return added;
    }

    /** The recipient's own one-click unsubscribe from a list; idempotent. */
    public SuppressionStore.Added unsubscribe(String address, String listId) {
        SuppressionStore.Added added = store().add(new Suppression(address, "one-click unsubscribe",
                Suppression.UNSUBSCRIBE, null, clock.instant(), listId));
        if (added.created()) {
            LOG.log(Level.INFO, "{0} unsubscribed{1}", address, scope(listId));
            announce(added);
        }
        return added;
    }

    /** True when the normalised address had an entry of that scope ({@code listId} null: for all mail). */
    public boolean remove(String address, String listId) {
        boolean removed = store().remove(address, listId);
        if (removed) {
            LOG.log(Level.INFO, "{0} removed from the suppression list by an operator{1}", address, scope(listId));
        }
        return removed;
    }

    private void announce(SuppressionStore.Added added) {
        if (additions != null) {
            additions.fire(new SuppressionAdded(added.entry()));
        }
    }

    private static String scope(String listId) {
        return listId == null ? "" : " (list " + listId + ")";
    }

    /**
     * Which of the addresses a client gave (display names allowed) may not get mail of list
     * {@code listId} (null: mail of no list), each mapped to the entry that stops it; one lookup
     * in the store for all of them.
     */
    public Map<String, Suppression> suppressed(Collection<String> mailboxes, String listId) {
        var keys = new LinkedHashMap<String, String>();
        for (String mailbox : mailboxes) {
            keys.computeIfAbsent(mailbox, Addresses::key);
        }
        Map<String, Suppression> found = store().findAll(new LinkedHashSet<>(keys.values()), listId);
        var suppressed = new LinkedHashMap<String, Suppression>();
        if (!found.isEmpty()) {
            keys.forEach((mailbox, key) -> {
                if (found.containsKey(key)) {
                    suppressed.put(mailbox, found.get(key));
                }
            });
        }
        return suppressed;
    }

    /** One page; the cursor is the store's key of where to go on, opaque to clients. */
    public SuppressionPage page(SuppressionQuery query) {
        String after = null;
        if (query.cursor() != null) {
            try {
                after = new String(Base64.getUrlDecoder().decode(query.cursor()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw badCursor();
            }
            // Checked here, the same on both stores: a NUL would otherwise reach the database driver (a 503),
            // garbage give a page from nowhere.
            if (after.chars().anyMatch(Character::isISOControl) || !store().isKey(after)) {
                throw badCursor();
            }
        }
        SuppressionStore.Slice slice;
        try {
            slice = store().page(query.search(), query.listId(), after, query.limit());
        } catch (IllegalArgumentException e) {
            throw badCursor();
        }
        return SuppressionPage.of(slice.entries(), slice.nextKey() == null ? null
                : Base64.getUrlEncoder().withoutPadding().encodeToString(slice.nextKey().getBytes(StandardCharsets.UTF_8)));
    }

    private static InvalidInputException badCursor() {
        return InvalidInputException.badRequest("cursor", "is not a cursor this service handed out");
    }

    /**
     * A hard bounce ({@code 5.1.x}) puts the recipient on the list, with the reply and the email
     * that bounced. A storage failure is logged, not thrown: the worker that reported the bounce
     * must go on with its email.
     */
    void onBounce(@Observes EmailEvent.Bounced bounced) {
        String address = Addresses.key(bounced.recipient());
        String reply = bounced.reply() == null ? null : bounced.reply().strip();
        if (reply != null && reply.length() > SuppressionRequest.MAX_REASON) {
            reply = reply.substring(0, SuppressionRequest.MAX_REASON);
        }
        try {
            SuppressionStore.Added added = store().add(new Suppression(address, reply, Suppression.BOUNCE,
                    bounced.id(), clock.instant(), null));
            if (added.created()) {
                LOG.log(Level.INFO, "{0} hard-bounced at {1}: suppressed ({2})", bounced.id(), address, reply);
                announce(added);
            }
        } catch (SuppressionStorageException e) {
            LOG.log(Level.ERROR, "{0} hard-bounced at {1}, but the suppression list could not record it: {2}",
                    bounced.id(), address, e.getMessage());
        }
    }
}
