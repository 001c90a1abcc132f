package dev.emailengine.queue.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        index.add("retry", 1, 5_000, 0, 0, 1_000);
        index.add("fresh", 3, 1_000, 0, 0, 1_000);

        assertEquals(QueueIndex.State.SCHEDULED_RETRY, index.stateOf("retry", 1_000));
        assertEquals("fresh", index.claimNext(1_000).id());
        assertNull(index.claimNext(4_999));
        assertFalse(index.hasDue(4_999));
        assertEquals(5_000, index.nextDueAtMillis());
        assertTrue(index.hasDue(5_000));
        assertEquals("retry", index.claimNext(5_000).id());
        assertEquals(QueueIndex.State.PROCESSING, index.stateOf("retry", 5_000));
        index.finished("retry");
        assertNull(index.stateOf("retry", 5_000));
    }
}
