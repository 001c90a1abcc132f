package dev.emailengine.unsubscribe.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.unsubscribe.entity.Unsubscription;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PUBLIC_BASE_URL and UNSUBSCRIBE_SECRET as the start-up reads them, and the links they make. */
class UnsubscribeLinksTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-secret";

    private static UnsubscribeLinks links(String base) {
        return UnsubscribeLinks.configured(Optional.of(base), Optional.of(SECRET));
    }

    @Test
    void aLinkIsTheBaseUrlTheUnsubscribePathAndATokenForTheAddressAndList() {
        UnsubscribeLinks links = links("https://mail.example.com/");
        assertTrue(links.enabled());
        assertTrue(links.secure());
        String url = links.url("ada@example.com", "news").orElseThrow();
        assertTrue(url.startsWith("https://mail.example.com/unsubscribe/"), url);
        String token = url.substring(url.lastIndexOf('/') + 1);
        assertEquals(Optional.of(new Unsubscription("ada@example.com", "news")), links.verify(token));
        assertEquals(url, links("https://mail.example.com").url("ada@example.com", "news").orElseThrow(),
                "a trailing slash changes nothing");
        assertEquals("https://example.com/mail/unsubscribe/" + token,
                links("https://example.com/mail//").url("ada@example.com", "news").orElseThrow());
    }

    @Test
    void theHeadersAreThoseOfRfc8058() {
        assertEquals(Map.of("List-Unsubscribe", "<https://x.example/unsubscribe/t.m>",
                "List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                UnsubscribeLinks.headers("https://x.example/unsubscribe/t.m"));
        assertEquals(List.of("List-Unsubscribe", "List-Unsubscribe-Post"),
                List.copyOf(UnsubscribeLinks.headers("https://x.example/u").keySet()));
    }

    @Test
    void plainHttpWorksButIsNotSecure() {
        UnsubscribeLinks links = links("http://localhost:8080");
        assertTrue(links.enabled());
        assertFalse(links.secure());
    }

    @Test
    void withoutABaseUrlThereAreNoLinksButTheSecretStillVerifiesOldOnes() {
        UnsubscribeLinks none = UnsubscribeLinks.configured(Optional.empty(), Optional.empty());
        assertFalse(none.enabled());
        assertEquals(Optional.empty(), none.url("ada@example.com", "news"));
        assertEquals(Optional.empty(), none.verify("anything.at-all"));
        assertFalse(UnsubscribeLinks.configured(Optional.of("  "), Optional.empty()).enabled());

        String token = new UnsubscribeTokens(SECRET).tokenFor("ada@example.com", "news");
        UnsubscribeLinks secretOnly = UnsubscribeLinks.configured(Optional.empty(), Optional.of(SECRET));
        assertFalse(secretOnly.enabled());
        assertEquals(Optional.of(new Unsubscription("ada@example.com", "news")), secretOnly.verify(token));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mail.example.com", "ftp://mail.example.com", "https://", "https:///path",
            "https://mail.example.com/?a=b", "https://mail.example.com/#x", "https://user:pw@mail.example.com",
            "https://mail example.com", "mailto:ada@example.com", "/relative/path"})
    void aMalformedBaseUrlStopsTheStartNamingTheKey(String url) {
        var e = assertThrows(IllegalArgumentException.class, () -> links(url));
        assertTrue(e.getMessage().startsWith("PUBLIC_BASE_URL (public.base.url)"), e.getMessage());
    }

    @Test
    void aBaseUrlTooLongForTheHeaderLineIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> links("https://example.com/" + "a".repeat(300)));
        assertTrue(e.getMessage().contains("PUBLIC_BASE_URL"), e.getMessage());
    }

    @Test
    void aBaseUrlWithoutASecretOrWithAShortOneStopsTheStartWithoutShowingIt() {
        var missing = assertThrows(IllegalArgumentException.class,
                () -> UnsubscribeLinks.configured(Optional.of("https://mail.example.com"), Optional.empty()));
        assertTrue(missing.getMessage().startsWith("UNSUBSCRIBE_SECRET (unsubscribe.secret) is required when"
                + " PUBLIC_BASE_URL"), missing.getMessage());
        var blank = assertThrows(IllegalArgumentException.class,
                () -> UnsubscribeLinks.configured(Optional.of("https://mail.example.com"), Optional.of(" ")));
        assertTrue(blank.getMessage().contains("is required"), blank.getMessage());
        var shortOne = assertThrows(IllegalArgumentException.class,
                () -> UnsubscribeLinks.configured(Optional.of("https://mail.example.com"), Optional.of("tooShortSecret")));
        assertTrue(shortOne.getMessage().contains("at least 32"), shortOne.getMessage());
        assertFalse(shortOne.getMessage().contains("tooShortSecret"));
    }

    @Test
    void theLongestAddressAndListMakeATokenThatVerifies() {
        String address = "l".repeat(64) + "@" + ("d".repeat(63) + ".").repeat(3) + "d".repeat(63);
        String list = "L".repeat(64);
        UnsubscribeLinks links = links("https://mail.example.com");
        String url = links.url(address, list).orElseThrow();
        assertEquals(Optional.of(new Unsubscription(address, list)), links.verify(url.substring(url.lastIndexOf('/') + 1)));
        assertTrue(("List-Unsubscribe: <" + links("https://example.com/" + "p".repeat(270)).url(address, list)
                .orElseThrow() + ">").length() <= 998, "one header line");
    }

    @Test
    void previousSecretsAreCommaSeparatedVerifyOnlyAndHeldToTheSameLength() {
        String old = "the-old-secret-of-at-least-32-characters";
        String token = new UnsubscribeTokens(old).tokenFor("ada@example.com", "news");
        UnsubscribeLinks rotated = UnsubscribeLinks.configured(Optional.of("https://mail.example.com"),
                Optional.of(SECRET), Optional.of(" another-old-secret-at-least-32-chars , " + old + ",,"));
        assertEquals(2, rotated.previousSecrets());
        assertEquals(Optional.of(new Unsubscription("ada@example.com", "news")), rotated.verify(token));
        assertEquals(links("https://mail.example.com").url("ada@example.com", "news"),
                rotated.url("ada@example.com", "news"), "new links are signed with UNSUBSCRIBE_SECRET");
        assertEquals(0, links("https://mail.example.com").previousSecrets());
        assertEquals(0, UnsubscribeLinks.configured(Optional.empty(), Optional.of(SECRET), Optional.of(" ")).previousSecrets());

        var shortOne = assertThrows(IllegalArgumentException.class, () -> UnsubscribeLinks.configured(
                Optional.of("https://mail.example.com"), Optional.of(SECRET), Optional.of(old + ",tooShortSecret")));
        assertTrue(shortOne.getMessage().startsWith("UNSUBSCRIBE_PREVIOUS_SECRETS (unsubscribe.previous.secrets):"
                + " secret 2 of 2 is too short"), shortOne.getMessage());
        assertFalse(shortOne.getMessage().contains("tooShortSecret") || shortOne.getMessage().contains(old));

        var withoutCurrent = assertThrows(IllegalArgumentException.class, () -> UnsubscribeLinks.configured(
                Optional.empty(), Optional.empty(), Optional.of(old)));
        assertTrue(withoutCurrent.getMessage().startsWith("UNSUBSCRIBE_SECRET (unsubscribe.secret) is required when"
                + " UNSUBSCRIBE_PREVIOUS_SECRETS"), withoutCurrent.getMessage());
        assertFalse(withoutCurrent.getMessage().contains(old));
    }

    @Test
    void aSecretWithACommaCouldNotBeRotatedOutIntact() {
        String withComma = "0123456789abcdef0123456789abcdef,0123456789abcdef0123456789abcdef";
        var rotated = UnsubscribeLinks.configured(Optional.of("https://mail.example.com"),
                Optional.of("a-new-secret-of-thirty-two-characters"), Optional.of(withComma));

        assertFalse(UnsubscribeLinks.canBeRotatedOut(withComma), "the start warns about it");
        assertTrue(UnsubscribeLinks.canBeRotatedOut("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I="));
        assertEquals(2, rotated.previousSecrets(), "split in two where it was one secret");
    }
}
