package dev.emailengine.suppressions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.suppressions.entity.Suppression;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SuppressionStore} promises, seen through the interface alone. Each store's
 * test class says how to open it (again on the same storage, as a restart does) and how to make
 * its storage fail.
 */
abstract class SuppressionStoreContract {

    static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

    /** Opens the store on this test's storage, empty at a test's first call; a second call is a restart. */
    abstract SuppressionStore open();

    abstract void breakStorage();

    abstract void repairStorage();

    static Suppression entry(String address, String reason) {
        return new Suppression(address, reason, Suppression.OPERATOR, null, AT);
    }

    @Test
    void anAddedAddressIsFoundAndAddingItAgainKeepsTheFirstEntry() {
        SuppressionStore store = open();
        var bounce = new Suppression("ada@example.com", "550 5.1.1 user unknown", Suppression.BOUNCE,
                "batch_1795000000000_0000000a", AT);
        SuppressionStore.Added first = store.add(bounce);
        assertTrue(first.created());
        assertEquals(bounce, first.entry());

        SuppressionStore.Added again = store.add(entry("ada@example.com", "complaint"));
        assertFalse(again.created());
        assertEquals(bounce, again.entry());
        assertEquals(Optional.of(bounce), store.find("ada@example.com"));
        assertEquals(Optional.empty(), store.find("Ada@example.com"), "the local part is compared exactly");
    }

    @Test
    void oneLookupReturnsTheSuppressedAmongManyAddresses() {
        SuppressionStore store = open();
        store.add(entry("a@example.com", "one"));
        store.add(entry("c@example.com", "three"));
        Map<String, Suppression> found = store.findAll(List.of("a@example.com", "b@example.com", "c@example.com",
                "a@example.com"));
        assertEquals(Set.of("a@example.com", "c@example.com"), found.keySet());
        assertEquals("three", found.get("c@example.com").reason());
        assertEquals(Map.of(), store.findAll(List.of()));
    }

    @Test
    void removingSaysWhetherTheAddressWasThereAndAFreshAddStartsOver() {
        SuppressionStore store = open();
        store.add(entry("gone@example.com", "first"));
        assertTrue(store.remove("gone@example.com"));
        assertFalse(store.remove("gone@example.com"));
        assertEquals(Optional.empty(), store.find("gone@example.com"));
        assertTrue(store.add(entry("gone@example.com", "second")).created());
        assertEquals("second", store.find("gone@example.com").orElseThrow().reason());
    }

    @Test
    void entriesSurviveARestart() {
        open().add(new Suppression("kept@example.com", "550 5.1.1", Suppression.BOUNCE, "batch_1_2", AT));
        open().add(entry("removed@example.com", "x"));
        open().remove("removed@example.com");
        SuppressionStore restarted = open();
        assertEquals(Optional.of(new Suppression("kept@example.com", "550 5.1.1", Suppression.BOUNCE, "batch_1_2", AT)),
                restarted.find("kept@example.com"));
        assertEquals(Optional.empty(), restarted.find("removed@example.com"));
    }

    @Test
    void pagingVisitsEveryEntryOnceWithinTheLimit() {
        SuppressionStore store = open();
        var all = new HashSet<String>();
        IntStream.range(0, 23).forEach(i -> {
            store.add(entry("user" + i + "@example.com", null));
            all.add("user" + i + "@example.com");
        });
        assertEquals(all, collect(store, null, 7));
        assertEquals(all, collect(store, null, 23));
        SuppressionStore.Slice whole = store.page(null, null, 100);
        assertEquals(23, whole.entries().size());
        assertNull(whole.nextKey());
    }

    @Test
    void searchMatchesPartsOfTheAddressIgnoringCaseAndTakesWildcardsLiterally() {
        SuppressionStore store = open();
        for (String address : List.of("a%b@example.com", "a_b@example.com", "axb@example.com", "a\\\\b@example.com",
                "Carol@Example.org", "dave@example.net")) {
            store.add(entry(address, null));
        }
        assertEquals(Set.of("a%b@example.com"), collect(store, "%", 10));
        assertEquals(Set.of("a_b@example.com"), collect(store, "_", 10));
        assertEquals(Set.of("a%b@example.com"), collect(store, "A%B", 10));
        assertEquals(Set.of("a\\\\b@example.com"), collect(store, "\\", 10));
        assertEquals(Set.of("Carol@Example.org"), collect(store, "carol@example.ORG", 10));
        assertEquals(Set.of("a%b@example.com", "a_b@example.com", "axb@example.com", "a\\\\b@example.com"),
                collect(store, "example.com", 1));
        assertEquals(Set.of(), collect(store, "nobody", 10));
    }

    @Test
    void concurrentAddsOfOneAddressCreateItOnce() throws Exception {
        SuppressionStore store = open();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            var tasks = new ArrayList<Callable<Boolean>>();
            for (int i = 0; i < 16; i++) {
                String reason = "reason " + i;
                tasks.add(() -> store.add(entry("race@example.com", reason)).created());
            }
            int created = 0;
            for (Future<Boolean> result : pool.invokeAll(tasks)) {
                created += result.get() ? 1 : 0;
            }
            assertEquals(1, created);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingStorageThrowsAndKeepsNothingHalfWritten() {
        SuppressionStore store = open();
        breakStorage();
        try {
            assertThrows(SuppressionStorageException.class, () -> open().add(entry("broken@example.com", "x")));
        } finally {
            repairStorage();
        }
        assertEquals(Optional.empty(), open().find("broken@example.com"));
        assertTrue(store.add(entry("broken@example.com", "x")).created());
    }

    /** Every address on every page of a search, checking each page keeps to the limit and no entry repeats. */
    static Set<String> collect(SuppressionStore store, String search, int limit) {
        var seen = new HashSet<String>();
        String after = null;
        int pages = 0;
        do {
            SuppressionStore.Slice slice = store.page(search, after, limit);
            assertTrue(slice.entries().size() <= limit);
            for (Suppression entry : slice.entries()) {
                assertTrue(seen.add(entry.address()), entry.address() + " came twice");
            }
            after = slice.nextKey();
            assertTrue(++pages < 1000, "paging does not end");
        } while (after != null);
        return seen;
    }
}
