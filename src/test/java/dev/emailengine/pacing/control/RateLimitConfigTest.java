package dev.emailengine.pacing.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitConfigTest {

    @Test
    void readsSeveralWindowsShortestFirst() {
        var config = RateLimitConfig.parse(" 50000/d, 14/s ", null);
        assertEquals(List.of(new RateWindow(14, Duration.ofSeconds(1)), new RateWindow(50000, Duration.ofDays(1))),
                config.server());
        assertEquals("14/s,50000/d", RateLimitConfig.describe(config.server()));
    }

    @Test
    void readsDomainsAndTheDefault() {
        var config = RateLimitConfig.parse("", "Gmail.com=20/s; outlook.com=10/s,1000/h ;*=5/s;");
        assertTrue(config.server().isEmpty());
        assertEquals("20/s", RateLimitConfig.describe(config.forDomain("gmail.com")));
        assertEquals("10/s,1000/h", RateLimitConfig.describe(config.forDomain("outlook.com")));
        assertEquals("5/s", RateLimitConfig.describe(config.forDomain("example.org")));
    }

    @Test
    void nothingConfiguredIsNoLimit() {
        assertTrue(RateLimitConfig.parse(null, null).none());
        assertTrue(RateLimitConfig.parse(" ", "").none());
        assertTrue(RateLimitConfig.parse(null, "gmail.com=1/s").forDomain("other.org").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"14", "14/x", "0/s", "-1/s", "1.5/s", "14/s,15/s", "abc", "14/s,,1/d"})
    void aBadRateLimitNamesTheSetting(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> RateLimitConfig.parse(value, null));
        assertTrue(e.getMessage().startsWith("RATE_LIMIT"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gmail.com", "gmail.com=", "gmail.com=fast", "a b.com=1/s", "x@y.com=1/s",
            "gmail.com=1/s;gmail.com=2/s", "*=1/s;*=2/s", "=1/s"})
    void aBadDomainRateLimitNamesTheSetting(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> RateLimitConfig.parse(null, value));
        assertTrue(e.getMessage().startsWith("DOMAIN_RATE_LIMITS"), e.getMessage());
    }
}
