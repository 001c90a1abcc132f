package dev.emailengine.dispatch.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(60));

    @RepeatedTest(20)
    void delaysDoubleWithAtMostTwentyPercentJitterAndStopAtTheCap() {
        for (int n = 1; n <= 6; n++) {
            long expected = 1000L << (n - 1);
            long delay = policy.delayBefore(n).toMillis();
            assertTrue(delay >= expected && delay <= expected * 1.2, "retry " + n + ": " + delay + " ms");
        }
        assertEquals(60_000, policy.delayBefore(7).toMillis());
        assertEquals(60_000, policy.delayBefore(1_000).toMillis());
    }
}
