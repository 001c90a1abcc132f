package dev.emailengine.suppressions.control;

import dev.emailengine.suppressions.entity.Suppression;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the suppression list is kept: files for one instance ({@link FileSuppressionStore}), or
 * the queue's PostgreSQL, shared by every instance ({@link PgSuppressionStore}). Both pass the
 * same contract tests. Addresses given to a store are normalised ({@link Addresses#normalise});
 * every change is durable when the call returns. Failures of the storage throw
 * {@link SuppressionStorageException}.
 */
public interface SuppressionStore {

    /** What {@link #add} did: the entry now on the list, and whether this call put it there. */
    record Added(Suppression entry, boolean created) {
    }

    /**
     * One page in the store's own order, after {@code afterKey} (null: from the start).
     *
     * @param nextKey where the next page starts; null when there is none
     */
    record Slice(List<Suppression> entries, String nextKey) {
    }

    /** Whether {@code key} could be a {@link Slice#nextKey()} of this store: a cursor a client sends back is checked first. */
    boolean isKey(String key);

    /**
     * Adds the entry unless there is one for its address and list already (an entry for all mail
     * and one for a list are two entries); then the first entry stays as it was.
     */
    Added add(Suppression entry);

    /** True when there was an entry for the address and list ({@code listId} null: the entry for all mail). */
    boolean remove(String address, String listId);

    /**
     * The entries that stop mail of list {@code listId} to those of {@code addresses} they name,
     * by address, in one lookup: an address's entry for all mail, else its entry for that list.
     * With {@code listId} null (mail of no list: transactional) only entries for all mail count.
     */
    Map<String, Suppression> findAll(Collection<String> addresses, String listId);

    /** The entry for all mail to the address, if any. */
    default Optional<Suppression> find(String address) {
        return find(address, null);
    }

    /** The entry stopping mail of the list to the address, as {@link #findAll} decides. */
    default Optional<Suppression> find(String address, String listId) {
        return Optional.ofNullable(findAll(List.of(address), listId).get(address));
    }

    /**
     * Up to {@code limit} entries whose address contains {@code search} (ignoring case; null: all)
     * and, with {@code listId}, that are scoped to that list (null: entries of every scope), after
     * {@code afterKey}, a key an earlier slice returned.
     *
     * @throws IllegalArgumentException when {@code afterKey} is not a key this store hands out
     */
    Slice page(String search, String listId, String afterKey, int limit);

    /** Where the list is kept, for the start-up log. */
    String description();
}
