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

    /** Adds the entry unless its address is there already; then the first entry stays as it was. */
    Added add(Suppression entry);

    /** True when the address was there. */
    boolean remove(String address);

    /** The entries of those of {@code addresses} on the list, by address, in one lookup. */
    Map<String, Suppression> findAll(Collection<String> addresses);

    default Optional<Suppression> find(String address) {
        return Optional.ofNullable(findAll(List.of(address)).get(address));
    }

    /**
     * Up to {@code limit} entries whose address contains {@code search} (ignoring case; null: all),
     * after {@code afterKey}, a key an earlier slice returned.
     *
     * @throws IllegalArgumentException when {@code afterKey} is not a key this store hands out
     */
    Slice page(String search, String afterKey, int limit);

    /** Where the list is kept, for the start-up log. */
    String description();
}
