package dev.emailengine.queue.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class EmailIdsTest {

    @Test
    void idsKeepTheOriginalShapeAndNeverRepeat() {
        var ids = new EmailIds();
        var seen = new HashSet<String>();
        for (long millis : new long[] {0, 42, 1_795_000_000_000L, 9_999_999_999_999L}) {
            for (int i = 0; i < 1000; i++) {
                String id = ids.next(millis);
                assertTrue(EmailIds.isWellFormed(id), id);
                assertTrue(seen.add(id), "repeated " + id);
            }
        }
        assertTrue(ids.next(42).startsWith("batch_0000000000042_"));
        assertEquals(28, ids.next(1_795_000_000_000L).length());
    }
}
