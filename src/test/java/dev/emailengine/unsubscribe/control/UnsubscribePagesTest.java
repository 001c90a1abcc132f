package dev.emailengine.unsubscribe.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The pages escape what they show and load nothing from elsewhere. */
class UnsubscribePagesTest {

    @Test
    void theConfirmationPagePostsTheOneClickFormToItselfAndEscapesTheAddress() {
        String page = UnsubscribePages.confirm("\"<script>alert(1)</script>\"@example.com", "news");
        assertTrue(page.contains("<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\""
                + " value=\"One-Click\">"), page);
        assertFalse(page.contains("<script>"), page);
        assertTrue(page.contains("&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;@example.com"), page);
        assertFalse(page.contains("action="), "the same URL, whatever the proxy in front calls it");
        for (String html : new String[] {page, UnsubscribePages.done("a@example.com", "x"), UnsubscribePages.invalidLink(),
                UnsubscribePages.notAsked()}) {
            assertFalse(html.contains("http"), "no external resource: " + html);
            assertFalse(html.contains("<script"), html);
        }
    }

    @Test
    void thePolicyAllowsNothingButTheInlineStyleAndPostingToThisService() {
        assertTrue(UnsubscribePages.CONTENT_SECURITY_POLICY.startsWith("default-src 'none'"));
        assertTrue(UnsubscribePages.CONTENT_SECURITY_POLICY.contains("form-action 'self'"));
    }
}
