package dev.emailengine.suppressions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.suppressions.entity.Suppression;
import dev.emailengine.suppressions.entity.SuppressionPage;
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
        return new Suppression(address, reason, Suppression.OPERATOR, null, AT, null);
    }

    @Test
    void anAddedAddressIsFoundAndAddingItAgainKeepsTheFirstEntry() {
        SuppressionStore store = open();
        var bounce = new Suppression("ada@example.com", "550 5.1.1 user unknown", Suppression.BOUNCE,
                "batch_1795000000000_0000000a", AT, null);
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
                "a@example.com"), null);
        assertEquals(Set.of("a@example.com", "c@example.com"), found.keySet());
        assertEquals("three", found.get("c@example.com").reason());
        assertEquals(Map.of(), store.findAll(List.of(), null));
    }

    @Test
    void removingSaysWhetherTheAddressWasThereAndAFreshAddStartsOver() {
        SuppressionStore store = open();
        store.add(entry("gone@example.com", "first"));
        assertTrue(store.remove("gone@example.com", null));
        assertFalse(store.remove("gone@example.com", null));
        assertEquals(Optional.empty(), store.find("gone@example.com"));
        assertTrue(store.add(entry("gone@example.com", "second")).created());
        assertEquals("second", store.find("gone@example.com").orElseThrow().reason());
    }

    @Test
    void entriesSurviveARestart() {
        open().add(new Suppression("kept@example.com", "550 5.1.1", Suppression.BOUNCE, "batch_1_2", AT, null));
        open().add(entry("removed@example.com", "x"));
        open().remove("removed@example.com", null);
        SuppressionStore restarted = open();
        assertEquals(Optional.of(new Suppression("kept@example.com", "550 5.1.1", Suppression.BOUNCE, "batch_1_2", AT, null)),
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
        SuppressionStore.Slice whole = store.page(null, null, null, 100);
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

    static Suppression unsubscribed(String address, String listId) {
        return new Suppression(address, "one-click unsubscribe", Suppression.UNSUBSCRIBE, null, AT, listId);
    }

    @Test
    void anUnsubscriptionStopsOnlyItsListAndAnEntryForAllMailStopsEveryList() {
        SuppressionStore store = open();
        assertTrue(store.add(unsubscribed("reader@example.com", "news")).created());
        assertFalse(store.add(unsubscribed("reader@example.com", "news")).created(), "idempotent");
        assertEquals(Optional.of(unsubscribed("reader@example.com", "news")), store.find("reader@example.com", "news"));
        assertEquals(Optional.empty(), store.find("reader@example.com", "offers"));
        assertEquals(Optional.empty(), store.find("reader@example.com"), "transactional mail still reaches it");
        assertEquals(Optional.empty(), store.find("reader@example.com", "News"), "list ids are compared exactly");

        store.add(entry("reader@example.com", "complaint"));
        assertTrue(store.add(unsubscribed("reader@example.com", "offers")).created(), "a scope of its own");
        Map<String, Suppression> news = store.findAll(List.of("reader@example.com", "other@example.com"), "news");
        assertEquals(Set.of("reader@example.com"), news.keySet());
        assertNull(news.get("reader@example.com").listId(), "the entry for all mail wins");
        assertEquals("complaint", store.find("reader@example.com", "weekly").orElseThrow().reason());

        assertTrue(store.remove("reader@example.com", null));
        assertEquals("news", store.find("reader@example.com", "news").orElseThrow().listId());
        assertFalse(store.remove("reader@example.com", "weekly"));
        assertTrue(store.remove("reader@example.com", "news"));
        assertEquals(Optional.empty(), store.find("reader@example.com", "news"));
        assertEquals(Optional.of(unsubscribed("reader@example.com", "offers")), open().find("reader@example.com",
                "offers"), "survives a restart");
    }

    @Test
    void oneLookupAnswersForAListAcrossManyAddresses() {
        SuppressionStore store = open();
        store.add(unsubscribed("a@example.com", "news"));
        store.add(unsubscribed("b@example.com", "offers"));
        store.add(entry("c@example.com", "bounced"));
        assertEquals(Set.of("a@example.com", "c@example.com"),
                store.findAll(List.of("a@example.com", "b@example.com", "c@example.com", "d@example.com"), "news").keySet());
        assertEquals(Set.of("c@example.com"),
                store.findAll(List.of("a@example.com", "b@example.com", "c@example.com"), null).keySet());
    }

    @Test
    void pagesShowEveryScopeAndFilterByList() {
        SuppressionStore store = open();
        IntStream.range(0, 9).forEach(i -> {
            store.add(entry("user" + i + "@example.com", null));
            store.add(unsubscribed("user" + i + "@example.com", "news"));
            if (i % 3 == 0) {
                store.add(unsubscribed("user" + i + "@example.com", "offers"));
            }
        });
        var everything = new ArrayList<Suppression>();
        String after = null;
        do {
            SuppressionStore.Slice slice = store.page(null, null, after, 4);
            everything.addAll(slice.entries());
            after = slice.nextKey();
        } while (after != null);
        assertEquals(21, everything.size());
        assertEquals(21, new HashSet<>(everything).size(), "no entry twice");
        assertEquals(Set.of("user0@example.com", "user3@example.com", "user6@example.com"),
                collectList(store, null, "offers", 2));
        assertEquals(Set.of("user3@example.com"), collectList(store, "user3", "news", 2));
        assertEquals(Set.of(), collectList(store, null, "weekly", 2));
    }

    static Set<String> collectList(SuppressionStore store, String search, String listId, int limit) {
        var seen = new HashSet<String>();
        String after = null;
        do {
            SuppressionStore.Slice slice = store.page(search, listId, after, limit);
            for (Suppression entry : slice.entries()) {
                assertEquals(listId, entry.listId());
                assertTrue(seen.add(entry.address()), entry.address() + " came twice");
            }
            after = slice.nextKey();
        } while (after != null);
        return seen;
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
            SuppressionStore.Slice slice = store.page(search, null, after, limit);
            assertTrue(slice.entries().size() <= limit);
            for (Suppression entry : slice.entries()) {
                assertTrue(seen.add(entry.address()), entry.address() + " came twice");
            }
            after = slice.nextKey();
            assertTrue(++pages < 1000, "paging does not end");
        } while (after != null);
        return seen;
    }

    /** A cursor not handed out by the service is a 400 naming it on either store, never a 503 or a page of garbage. */
    @Test
    void aHostileCursorIsA400NamingCursorOnEveryStore() {
        var list = new SuppressionList(open(), java.time.Clock.fixed(AT, java.time.ZoneOffset.UTC));
        IntStream.range(0, 3).forEach(i -> list.add("user" + i + "@example.com", null, null));
        var encoder = java.util.Base64.getUrlEncoder().withoutPadding();
        for (String decoded : List.of("user1@example.com\u0000", "\u0000", "a\nb@example.com", "garbage", "x",
                "User@EXAMPLE.com", "../../etc/passwd", "ff", "user1@example.com a/b", "User@EXAMPLE.com news")) {
            String cursor = encoder.encodeToString(decoded.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            var refused = assertThrows(dev.emailengine.problems.control.InvalidInputException.class,
                    () -> list.page(SuppressionQuery.of(null, cursor, null)), decoded);
            assertEquals(400, refused.status(), decoded);
            assertEquals("cursor", refused.errors().get(0).field(), decoded);
        }
        SuppressionPage first = list.page(SuppressionQuery.of(null, null, "1"));
        assertEquals(2, list.page(SuppressionQuery.of(null, first.nextCursor(), "5")).suppressions().size(),
                "the service's own cursors still work");
    }
}
