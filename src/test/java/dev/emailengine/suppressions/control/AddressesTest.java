package dev.emailengine.suppressions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AddressesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "ada@example.com|ada@example.com",
        "  ada@Example.COM  |ada@example.com",
        "Ada.Lovelace+news@EXAMPLE.com|Ada.Lovelace+news@example.com",
        "ada@bücher.example|ada@xn--bcher-kva.example",
        "ada@BÜCHER.example|ada@xn--bcher-kva.example",
        "ada@xn--bcher-kva.example|ada@xn--bcher-kva.example",
        "\"ada\"@example.com|ada@example.com",
        "\"a.b\"@example.com|a.b@example.com",
        "\"john doe\"@example.com|\"john doe\"@example.com",
        "\"a..b\"@example.com|\"a..b\"@example.com",
        "\"a\\\"b\"@example.com|\"a\\\"b\"@example.com",
        "\"a\\b\"@example.com|ab@example.com",
        "\"a@b\"@example.com|\"a@b\"@example.com",
        "ünïcode@example.com|ünïcode@example.com",
        "o'brien@example.com|o'brien@example.com",
        "ada@[192.0.2.1]|ada@[192.0.2.1]",
        "ada@[IPv6:2001:DB8::1]|ada@[ipv6:2001:db8::1]",
        "ada@localhost|ada@localhost"})
    void normalisesTheDomainAndKeepsTheLocalPart(String given, String expected) {
        assertEquals(expected, Addresses.normalise(given));
    }

    @Test
    void theLocalPartStaysCaseSensitive() {
        assertNotEquals(Addresses.normalise("Ada@example.com"), Addresses.normalise("ada@example.com"));
        assertEquals(Addresses.normalise("Ada@example.com"), Addresses.normalise("Ada@EXAMPLE.com"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "ada", "@example.com", "ada@", "ada@@example.com", "a b@example.com",
        ".ada@example.com", "ada.@example.com", "a..da@example.com", "ada@example..com", "ada@.example.com",
        "ada@example.com.", "ada@exa mple.com", "ada@exa_mple.com", "ada@example.com\r\nBcc: x@example.com",
        "a\u0000@example.com", "\"\"@example.com", "\"a\"b\"@example.com", "\"ab\\\"@example.com",
        "ada@[not/a/literal]", "<ada@example.com>", "../../etc/passwd", "ada%@example.com/..",
        "ada@example.com/../x"})
    void refusesWhatIsNotOneAddress(String given) {
        assertThrows(IllegalArgumentException.class, () -> Addresses.normalise(given));
    }

    @Test
    void refusesLongPartsWithTheirLimits() {
        var local = assertThrows(IllegalArgumentException.class,
                () -> Addresses.normalise("a".repeat(65) + "@example.com"));
        assertEquals("has a local part longer than 64 octets", local.getMessage());
        assertEquals("a".repeat(64) + "@example.com", Addresses.normalise("a".repeat(64) + "@example.com"));
        var label = assertThrows(IllegalArgumentException.class,
                () -> Addresses.normalise("ada@" + "b".repeat(64) + ".com"));
        assertEquals("has an invalid domain", label.getMessage());
        var whole = assertThrows(IllegalArgumentException.class,
                () -> Addresses.normalise("ada@" + "b.".repeat(200) + "com"));
        assertEquals("is longer than 320 characters", whole.getMessage());
    }

    @Test
    void aKeyNeverThrowsAndReadsTheAddressOutOfAMailbox() {
        assertEquals("ada@example.com", Addresses.key("Ada Lovelace <ada@EXAMPLE.com>"));
        assertEquals("ada@example.com", Addresses.key(" ada@Example.com "));
        assertEquals("not an address", Addresses.key("not an address"));
        assertEquals("a..b@example.com", Addresses.key("a..b@EXAMPLE.com"));
    }
}
