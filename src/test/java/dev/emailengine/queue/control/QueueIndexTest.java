package dev.emailengine.queue.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.queue.entity.EmailState;
import org.junit.jupiter.api.Test;

class QueueIndexTest {

    @Test
    void claimsHighPriorityFirstAndFifoWithinAPriority() {
        var index = new QueueIndex();
        index.add("low", 3, 0, 0, 0, 0);
        index.add("normal-1", 2, 0, 0, 0, 0);
        index.add("high", 1, 0, 0, 0, 0);
        index.add("normal-2", 2, 0, 0, 0, 0);

        assertEquals("high", index.claimNext(0).id());
        assertEquals("normal-1", index.claimNext(0).id());
        assertEquals("normal-2", index.claimNext(0).id());
        assertEquals("low", index.claimNext(0).id());
        assertNull(index.claimNext(0));
    }

    @Test
    void aRetryWaitsForItsTimeWithoutBlockingOthers() {
        var index = new QueueIndex();
        index.add("retry", 1, 5_000, 0, 1, 1_000);
        index.add("fresh", 3, 1_000, 0, 0, 1_000);

        assertEquals(EmailState.RETRYING, index.stateOf("retry"));
        assertFalse(index.page(0, 10, 1_000).stream().filter(l -> l.entry().id().equals("retry")).findFirst()
                .orElseThrow().due(), "a retry not yet due is listed as waiting");
        assertEquals("fresh", index.claimNext(1_000).id());
        assertNull(index.claimNext(4_999));
        assertFalse(index.hasDue(4_999));
        assertEquals(5_000, index.nextDueAtMillis());
        assertTrue(index.hasDue(5_000));
        assertEquals("retry", index.claimNext(5_000).id());
        assertEquals(EmailState.PROCESSING, index.stateOf("retry"));
        index.finished("retry");
        assertNull(index.stateOf("retry"));
    }
}
