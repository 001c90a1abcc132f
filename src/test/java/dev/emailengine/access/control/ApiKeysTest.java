package dev.emailengine.access.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    private final ApiKeys keys = ApiKeys.parse(" first-key-0123456789 , second-key-0123456789 ");

    @Test
    void acceptsEveryConfiguredKeyAndNothingElse() {
        assertTrue(keys.accepts("first-key-0123456789"));
        assertTrue(keys.accepts("second-key-0123456789"));
        assertFalse(keys.accepts("first-key-012345678"), "a prefix");
        assertFalse(keys.accepts("first-key-01234567890"), "longer");
        assertFalse(keys.accepts(""));
        assertFalse(keys.accepts(null));
    }

    @Test
    void noKeysConfiguredAcceptsNoKey() {
        assertTrue(ApiKeys.parse("  ").isEmpty());
        assertFalse(ApiKeys.parse(null).accepts("anything-at-all-here"));
    }

    @Test
    void shortOrSpacedKeysAreRefusedWithoutEchoingThem() {
        var e = assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse("good-key-0123456789,secret"));
        assertFalse(e.getMessage().contains("secret"));
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse("has a space in it 0123"));
    }

    @Test
    void onlyLoopbackAddressesCountAsLoopback() {
        assertTrue(ApiKeys.isLoopback("127.0.0.1"));
        assertTrue(ApiKeys.isLoopback("::1"));
        assertTrue(ApiKeys.isLoopback("localhost"));
        assertFalse(ApiKeys.isLoopback("0.0.0.0"));
        assertFalse(ApiKeys.isLoopback("::"));
        assertFalse(ApiKeys.isLoopback("10.1.2.3"));
    }
}
