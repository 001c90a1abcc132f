package dev.emailengine.suppressions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.platform.DurableFiles;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.queue.entity.EmailEvent;
import dev.emailengine.suppressions.entity.Suppression;
import dev.emailengine.suppressions.entity.SuppressionPage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The list in front of a real file store: bounces observed, lookups by what clients write, opaque cursors. */
class SuppressionListTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path data;

    private final FailingFsync fsync = new FailingFsync();
    private FileSuppressionStore store;
    private SuppressionList list;

    @BeforeEach
    void open() {
        store = new FileSuppressionStore(data.resolve("suppressions"), new DurableFiles(fsync));
        list = new SuppressionList(store, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aHardBounceSuppressesTheRecipientWithTheReplyTimeAndEmail() {
        list.onBounce(new EmailEvent.Bounced("batch_1795000000000_0000000a", "Cc.Person@Example.COM",
                "550 5.1.1 <Cc.Person@Example.COM>: user unknown\r\n"));
        assertEquals(Optional.of(new Suppression("Cc.Person@example.com", "550 5.1.1 <Cc.Person@Example.COM>: user unknown",
                Suppression.BOUNCE, "batch_1795000000000_0000000a", NOW, null)), store.find("Cc.Person@example.com"));

        list.onBounce(new EmailEvent.Bounced("batch_1795000000000_0000000b", "cc.person@example.com", "550 5.1.1 again"));
        assertEquals("batch_1795000000000_0000000a", store.find("Cc.Person@example.com").orElseThrow().emailId(),
                "the first bounce's entry stays");
    }

    @Test
    void aBounceTheStorageCannotRecordIsLoggedNotThrownAtTheWorker() {
        fsync.failing = true;
        list.onBounce(new EmailEvent.Bounced("batch_1_2", "ada@example.com", "550 5.1.1 " + "x".repeat(5000)));
        fsync.failing = false;
        assertEquals(Optional.empty(), store.find("ada@example.com"));
        list.onBounce(new EmailEvent.Bounced("batch_1_2", "ada@example.com", "550 5.1.1 " + "x".repeat(5000)));
        assertEquals(1000, store.find("ada@example.com").orElseThrow().reason().length(), "a long reply is cut");
    }

    @Test
    void clientsAddressesAreLookedUpAsTheyWroteThemDisplayNamesAndDomainCaseIncluded() {
        list.add("ada@example.com", "  complaint ", null);
        assertEquals("complaint", store.find("ada@example.com").orElseThrow().reason());
        Map<String, Suppression> found = list.suppressed(List.of("Ada <ada@EXAMPLE.com>", "ADA@example.com",
                "ada@example.com", "bob@example.com"), null);
        assertEquals(Set.of("Ada <ada@EXAMPLE.com>", "ada@example.com"), found.keySet());
        assertEquals(Suppression.OPERATOR, found.get("ada@example.com").source());
        assertTrue(list.remove("ada@example.com", null));
        assertEquals(Map.of(), list.suppressed(List.of("ada@example.com"), null));
    }

    @Test
    void cursorsAreOpaqueAndOnlyTheServicesOwnAreAccepted() {
        IntStream.range(0, 5).forEach(i -> list.add("user" + i + "@example.com", null, null));
        var seen = new HashSet<String>();
        SuppressionPage page = list.page(SuppressionQuery.of(null, null, "2"));
        seen.addAll(page.suppressions().stream().map(Suppression::address).toList());
        while (page.nextCursor() != null) {
            assertTrue(page.nextCursor().matches("[A-Za-z0-9_-]+"), page.nextCursor());
            page = list.page(SuppressionQuery.of(null, page.nextCursor(), "2"));
            seen.addAll(page.suppressions().stream().map(Suppression::address).toList());
        }
        assertEquals(5, seen.size());
        assertNull(page.nextCursor());
        for (String cursor : List.of("not base64!", "Li4vLi4vZXRj", "%2e%2e")) {
            var refused = assertThrows(InvalidInputException.class,
                    () -> list.page(SuppressionQuery.of(null, cursor, null)), cursor);
            assertEquals("cursor", refused.errors().get(0).field());
        }
    }
}
