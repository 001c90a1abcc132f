package dev.emailengine.unsubscribe.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.unsubscribe.entity.Unsubscription;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Tokens verify without a lookup, and cannot be bent to another address or list. */
class UnsubscribeTokensTest {

    private final UnsubscribeTokens tokens = new UnsubscribeTokens("a-secret-of-at-least-32-characters-xyz");

    @Test
    void aTokenNamesItsAddressAndListAndIsUrlSafe() {
        String token = tokens.tokenFor("Zoë@Example.com", "newsletter");

        assertEquals(Optional.of(new Unsubscription("Zoë@Example.com", "newsletter")), tokens.verify(token));
        assertTrue(token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"), token);
        assertEquals(token, tokens.tokenFor("Zoë@Example.com", "newsletter"), "the same link every time");
    }

    @Test
    void aTokenChangedToAnotherAddressOrListIsRefused() {
        String token = tokens.tokenFor("ann@example.com", "newsletter");
        String mac = token.substring(token.indexOf('.'));
        var base64 = Base64.getUrlEncoder().withoutPadding();

        String otherAddress = base64.encodeToString("newsletter\nbob@example.com".getBytes(StandardCharsets.UTF_8)) + mac;
        String otherList = base64.encodeToString("offers\nann@example.com".getBytes(StandardCharsets.UTF_8)) + mac;

        assertEquals(Optional.empty(), tokens.verify(otherAddress));
        assertEquals(Optional.empty(), tokens.verify(otherList));
        assertNotEquals(token, tokens.tokenFor("ann@example.com", "offers"));
    }

    @Test
    void aTokenFromAnotherSecretOrGarbledIsRefused() {
        String foreign = new UnsubscribeTokens("another-secret-of-at-least-32-chars!!").tokenFor("ann@example.com", "n");

        for (String bad : new String[] {foreign, "", ".", "abc", "abc.", ".abc", "a.b.c", "!!!.???", "x".repeat(600),
            tokens.tokenFor("ann@example.com", "n") + "A", base64("n\nann@example.com") + ".AAAAAAAAAAAAAAAAAAAAAA"}) {
            assertEquals(Optional.empty(), tokens.verify(bad), bad);
        }
        assertEquals(Optional.empty(), tokens.verify(null));
    }

    @Test
    void aShortSecretIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new UnsubscribeTokens("short"));
        assertTrue(e.getMessage().contains("UNSUBSCRIBE_SECRET"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new UnsubscribeTokens(null));
    }

    @Test
    void afterARotationATokenOfThePreviousSecretVerifiesWhileNewTokensUseTheCurrentOne() {
        String old = "the-old-secret-of-at-least-32-characters";
        String current = "the-new-secret-of-at-least-32-characters";
        String sentBefore = new UnsubscribeTokens(old).tokenFor("ann@example.com", "news");
        var rotated = new UnsubscribeTokens(current, List.of("an-older-secret-of-at-least-32-chars", old));

        assertEquals(Optional.of(new Unsubscription("ann@example.com", "news")), rotated.verify(sentBefore));
        assertEquals(new UnsubscribeTokens(current).tokenFor("ann@example.com", "news"),
                rotated.tokenFor("ann@example.com", "news"), "a previous secret never signs");
        assertNotEquals(sentBefore, rotated.tokenFor("ann@example.com", "news"));
        assertEquals(Optional.empty(), new UnsubscribeTokens(current).verify(sentBefore), "not without it");
    }

    @Test
    void aTokenOfASecretNeitherCurrentNorPreviousIsRefused() {
        var rotated = new UnsubscribeTokens("the-new-secret-of-at-least-32-characters",
                List.of("the-old-secret-of-at-least-32-characters"));
        String unknown = new UnsubscribeTokens("someone-elses-secret-at-least-32-chars").tokenFor("ann@example.com", "news");
        assertEquals(Optional.empty(), rotated.verify(unknown));

        var e = assertThrows(IllegalArgumentException.class,
                () -> new UnsubscribeTokens("the-new-secret-of-at-least-32-characters", List.of("short")));
        assertTrue(e.getMessage().contains("UNSUBSCRIBE_PREVIOUS_SECRETS") && !e.getMessage().contains("short\""),
                e.getMessage());
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
