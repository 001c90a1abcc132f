package dev.emailengine.suppressions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.platform.DurableFiles;
import dev.emailengine.platform.Fsync;
import dev.emailengine.suppressions.entity.Suppression;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the file store does: where entries live on disk, who may read them, and how a search is bounded. */
class FileSuppressionStoreTest {

    @TempDir
    Path data;

    private FileSuppressionStore store(int searchBudget) {
        return new FileSuppressionStore(data.resolve("suppressions"), new DurableFiles(new Fsync()), searchBudget);
    }

    @Test
    void anEntryIsOneFileNamedByTheHashOfItsAddressReadableByTheServiceOnly() throws IOException {
        store(100).add(new Suppression("ada@example.com", "complaint", Suppression.OPERATOR, null, Instant.EPOCH, null));
        String hash = FileSuppressionStore.hash("ada@example.com");
        Path file = data.resolve("suppressions").resolve(hash.substring(0, 2)).resolve(hash + ".json");
        assertTrue(Files.isRegularFile(file));
        assertTrue(Files.readString(file).contains("\"address\":\"ada@example.com\""), Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals("rwx------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("suppressions"))));
        try (Stream<Path> all = Files.walk(data)) {
            assertEquals(1, all.filter(Files::isRegularFile).count(), "no temp file is left behind");
        }
    }

    @Test
    void anUnreadableEntryStillSuppressesItsAddressAndIsLeftOutOfListings() throws IOException {
        FileSuppressionStore store = store(100);
        store.add(new Suppression("ada@example.com", "x", Suppression.OPERATOR, null, Instant.EPOCH, null));
        store.add(new Suppression("bob@example.com", "y", Suppression.OPERATOR, null, Instant.EPOCH, null));
        String hash = FileSuppressionStore.hash("ada@example.com");
        Files.writeString(data.resolve("suppressions").resolve(hash.substring(0, 2)).resolve(hash + ".json"),
                "{not json", StandardCharsets.UTF_8);

        Suppression broken = store.find("ada@example.com").orElseThrow();
        assertNotNull(broken.reason());
        assertEquals(List.of("bob@example.com"),
                store.page(null, null, null, 10).entries().stream().map(Suppression::address).toList());
    }

    @Test
    void aSearchReadsABoundedNumberOfEntriesAndHandsBackACursorForTheRest() {
        FileSuppressionStore store = store(5);
        IntStream.range(0, 12).forEach(i -> store.add(new Suppression("user" + i + "@example.com", null,
                Suppression.OPERATOR, null, Instant.EPOCH, null)));
        store.add(new Suppression("needle@example.com", null, Suppression.OPERATOR, null, Instant.EPOCH, null));

        SuppressionStore.Slice first = store.page("needle", null, null, 10);
        assertTrue(first.entries().size() <= 1);
        assertNotNull(first.nextKey(), "a search that stopped at its budget says where to go on");
        assertEquals(Set.of("needle@example.com"), SuppressionStoreContract.collect(store, "needle", 10));
    }

    @Test
    void aCursorThatIsNotAHashIsRefused() {
        FileSuppressionStore store = store(100);
        for (String key : List.of("../../etc", "zz", "A".repeat(64), "0".repeat(63))) {
            assertThrows(IllegalArgumentException.class, () -> store.page(null, null, key, 10), key);
        }
    }
}
