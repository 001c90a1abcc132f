package dev.emailengine.emails.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.emails.entity.BulkRequest;
import dev.emailengine.emails.entity.EmailRequest;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.templates.control.Templates;
import dev.emailengine.unsubscribe.control.UnsubscribeLinks;
import dev.emailengine.unsubscribe.control.UnsubscribeTokens;
import dev.emailengine.unsubscribe.entity.Unsubscription;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The headers and {{unsubscribe_url}} of an email of a list, per recipient, as intake adds them. */
class ListUnsubscribeTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-secret";
    private static final UnsubscribeLinks LINKS = UnsubscribeLinks.configured(Optional.of("https://mail.example.com"),
            Optional.of(SECRET));
    private static final UnsubscribeLinks NONE = UnsubscribeLinks.configured(Optional.empty(), Optional.empty());

    @TempDir
    Path templatesDir;

    private static EmailRequest request(String to, String template, Map<String, String> vars,
            Map<String, String> headers, String listId) {
        return new EmailRequest(to, template == null ? "Hello" : null, template == null ? "Body" : null, null, null,
                null, template, vars, null, null, null, null, headers, null, null, listId);
    }

    private static EmailRequest withCopies(List<String> cc, List<String> bcc, String listId) {
        return new EmailRequest("ada@example.com", "Hello", "Body", null, null, null, null, null, null, cc, bcc, null,
                null, null, null, listId);
    }

    private static String tokenOf(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    @Test
    void anEmailOfAListGetsBothHeadersWithItsRecipientsTokenReplacingAClientsOwn() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("X-Campaign", "november");
        headers.put("list-unsubscribe", "<mailto:stop@example.com>");
        headers.put("LIST-UNSUBSCRIBE-POST", "List-Unsubscribe=One-Click");
        EmailMessage message = new EmailMessage("Ada <ada@EXAMPLE.com>", "s", "b", null, null, null, null, null,
                headers, null);
        EmailMessage withLinks = new ListUnsubscribe(LINKS).message(message, "news");
        assertEquals(List.of("X-Campaign", "List-Unsubscribe", "List-Unsubscribe-Post"),
                List.copyOf(withLinks.headers().keySet()));
        assertEquals("List-Unsubscribe=One-Click", withLinks.headers().get("List-Unsubscribe-Post"));
        String value = withLinks.headers().get("List-Unsubscribe");
        assertTrue(value.startsWith("<https://mail.example.com/unsubscribe/") && value.endsWith(">"), value);
        assertEquals(Optional.of(new Unsubscription("ada@example.com", "news")),
                new UnsubscribeTokens(SECRET).verify(tokenOf(value.substring(1, value.length() - 1))),
                "the token names the address as the suppression list keys it");
    }

    @Test
    void transactionalMailOrNoLinksConfiguredLeaveTheMessageAsItWas() {
        EmailMessage message = new EmailMessage("ada@example.com", "s", "b", null, null, null, null, null,
                Map.of("List-Unsubscribe", "<mailto:stop@example.com>"), null);
        assertSame(message, new ListUnsubscribe(LINKS).message(message, null));
        assertSame(message, new ListUnsubscribe(NONE).message(message, "news"));
    }

    @Test
    void aTemplateRendersEachRecipientsOwnLinkAsUnsubscribeUrl() throws IOException {
        Files.writeString(templatesDir.resolve("news.txt"), "News for {{name}}\nUnsubscribe: {{unsubscribe_url}}");
        var assembler = new EmailAssembler(new EmailAssembler.Limits(10_000, 10_000), new Templates(templatesDir),
                Clock.systemUTC());
        EmailRequest shared = request(null, "news", Map.of("name", "all", "unsubscribe_url", "client's"), Map.of(),
                "news");
        BulkRequest bulk = new BulkRequest(null, null, List.of(new BulkRequest.Recipient("ada@example.com", null),
                new BulkRequest.Recipient("bob@example.com", Map.of("unsubscribe_url", "own"))));
        List<EmailMessage> messages = new BulkAssembler(assembler, 1_000_000).assemble(shared,
                new ListUnsubscribe(LINKS).bulk(shared, bulk, "news"));
        for (int i = 0; i < 2; i++) {
            String body = messages.get(i).textBody();
            String url = body.substring(body.indexOf("https://"));
            assertEquals(LINKS.url(List.of("ada@example.com", "bob@example.com").get(i), "news").orElseThrow(), url);
        }

        EmailMessage single = assembler.assemble(new ListUnsubscribe(LINKS).request(
                request("ada@example.com", "news", Map.of("name", "Ada"), Map.of(), "news"), "news"));
        assertEquals("Unsubscribe: " + LINKS.url("ada@example.com", "news").orElseThrow(), single.textBody());
    }

    @Test
    void withoutALinkUnsubscribeUrlRendersEmptyOrAsTheClientGaveIt() throws IOException {
        Files.writeString(templatesDir.resolve("news.txt"), "News\nUnsubscribe: [{{unsubscribe_url}}]");
        var assembler = new EmailAssembler(new EmailAssembler.Limits(10_000, 10_000), new Templates(templatesDir),
                Clock.systemUTC());
        assertEquals("Unsubscribe: []", assembler.assemble(new ListUnsubscribe(NONE).request(
                request("ada@example.com", "news", Map.of(), Map.of(), "news"), "news")).textBody());
        assertEquals("Unsubscribe: []", assembler.assemble(new ListUnsubscribe(LINKS).request(
                request("ada@example.com", "news", Map.of(), Map.of(), null), null)).textBody(),
                "transactional mail has no link");
        assertEquals("Unsubscribe: [https://example.com/prefs]", assembler.assemble(new ListUnsubscribe(NONE).request(
                request("ada@example.com", "news", Map.of("unsubscribe_url", "https://example.com/prefs"), Map.of(),
                        "news"), "news")).textBody());
    }

    @Test
    void ccOrBccOnAnEmailWithALinkIsRefusedNamingEachCopySinceItsReaderCouldUnsubscribeTheToAddress() {
        var refused = assertThrows(InvalidInputException.class, () -> new ListUnsubscribe(LINKS).refuseCopies(
                withCopies(List.of("boss@example.com", "team@example.com"), List.of("archive@example.com"), "news"),
                "news"));
        assertEquals(422, refused.status(), "the status intake gives a suppressed recipient");
        assertEquals(List.of("cc[0]", "cc[1]", "bcc[0]"), refused.errors().stream().map(FieldError::field).toList());
        String why = refused.errors().get(0).message();
        assertTrue(why.contains("could unsubscribe") && why.contains("to_email")
                && why.contains("send each copy as its own email"), why);

        var bccOnly = assertThrows(InvalidInputException.class, () -> new ListUnsubscribe(LINKS).refuseCopies(
                withCopies(List.of(), List.of("archive@example.com"), "default"), "default"));
        assertEquals(List.of("bcc[0]"), bccOnly.errors().stream().map(FieldError::field).toList());
    }

    @Test
    void copiesAreFineWhereThereIsNoLinkAndAListEmailWithoutCopiesPasses() {
        EmailRequest copies = withCopies(List.of("boss@example.com"), List.of("archive@example.com"), null);
        assertDoesNotThrow(() -> new ListUnsubscribe(LINKS).refuseCopies(copies, null), "transactional mail");
        assertDoesNotThrow(() -> new ListUnsubscribe(NONE).refuseCopies(copies, "news"), "no PUBLIC_BASE_URL");
        assertDoesNotThrow(() -> new ListUnsubscribe(LINKS).refuseCopies(withCopies(null, null, "news"), "news"));
    }
}
