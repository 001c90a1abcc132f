package dev.emailengine.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.IDN;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The domain half of an address: ASCII domains skip IDN.toASCII and must come out as it would make them. */
class MailboxesTest {

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "Example.COM", "mail-1.example.org", "xn--bcher-kva.example", "-lead.example",
        "trail-.example", "a..example", "example.com.", ".example", "under_score.example", "bücher.example",
        "BÜCHER.example", "a.b-c.d9", "0.0.0.0", "x"})
    void aDomainIsSpelledAsTheJdksIdnWouldSpellIt(String domain) {
        assertEquals(viaIdn(domain), outcome(domain), domain);
    }

    @ParameterizedTest
    @ValueSource(ints = {63, 64})
    void aLabelOfMoreThan63CharactersIsRefusedOnBothPaths(int length) {
        String domain = "a".repeat(length) + ".example";
        assertEquals(viaIdn(domain), outcome(domain));
    }

    private static String outcome(String domain) {
        try {
            String normalised = Mailboxes.normalise("ada@" + domain);
            return normalised.substring(normalised.indexOf('@') + 1);
        } catch (IllegalArgumentException e) {
            return "refused: " + e.getMessage();
        }
    }

    /** What Mailboxes did for every domain before the ASCII fast path. */
    private static String viaIdn(String domain) {
        String ascii;
        try {
            ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "refused: has an invalid domain";
        }
        for (String label : ascii.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return "refused: has an invalid domain";
            }
        }
        return ascii;
    }
}
