package dev.emailengine.emails.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.emailengine.emails.entity.AcceptedBatch;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.suppressions.entity.Suppression;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Intake's suppression check on its own, against an in-memory list: what is refused, skipped and named. */
class RecipientScreenTest {

    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
    private static final Map<String, Suppression> LIST = Map.of(
            "gone@example.com", new Suppression("gone@example.com", "550 5.1.1 user unknown", Suppression.BOUNCE,
                    "batch_1_2", AT, null),
            "angry@example.com", new Suppression("angry@example.com", null, Suppression.OPERATOR, null, AT, null),
            "reader@example.com", new Suppression("reader@example.com", "one-click unsubscribe", Suppression.UNSUBSCRIBE,
                    null, AT, "news"));

    private final List<Collection<String>> lookups = new ArrayList<>();
    /** As the stores answer: an entry for all mail always counts, a scoped one only for its list. */
    private final RecipientScreen screen = new RecipientScreen((addresses, listId) -> {
        lookups.add(List.copyOf(addresses));
        return addresses.stream().filter(a -> LIST.containsKey(a)
                && (LIST.get(a).isGlobal() || LIST.get(a).listId().equals(listId)))
                .collect(Collectors.toMap(a -> a, LIST::get));
    });

    private static EmailMessage email(String to, List<String> cc, List<String> bcc) {
        return new EmailMessage(to, "s", "b", null, null, cc, bcc, List.of(), Map.of(), List.of());
    }

    @Test
    void anEmailToNoSuppressedAddressPassesAfterOneLookupOfEveryRecipient() {
        screen.single(email("ok@example.com", List.of("cc@example.com"), List.of("bcc@example.com")), null);
        assertEquals(List.of(List.of("ok@example.com", "cc@example.com", "bcc@example.com")), lookups);
    }

    @Test
    void aSuppressedRecipientAnywhereRefusesTheEmailNamingEachFieldAndReason() {
        var refused = assertThrows(InvalidInputException.class, () -> screen.single(email("gone@example.com",
                List.of("ok@example.com", "angry@example.com"), List.of("x@example.com", "gone@example.com")), null));
        assertEquals(422, refused.status());
        assertEquals(List.of("to_email", "cc[1]", "bcc[1]"), refused.errors().stream().map(FieldError::field).toList());
        assertEquals("is on the suppression list: 550 5.1.1 user unknown (since 2026-12-01T10:00:00Z)",
                refused.errors().get(0).message());
        assertEquals("is on the suppression list: added by an operator (since 2026-12-01T10:00:00Z)",
                refused.errors().get(1).message());
        assertEquals(1, lookups.size());
    }

    @Test
    void aBulkSkipsSuppressedRecipientsAndListsThemInOneLookup() {
        var messages = List.of(email("a@example.com", List.of(), List.of()), email("gone@example.com", List.of(), List.of()),
                email("b@example.com", List.of(), List.of()), email("angry@example.com", List.of(), List.of()));
        RecipientScreen.Screened screened = screen.bulk(messages, null);
        assertEquals(List.of("a@example.com", "b@example.com"),
                screened.kept().stream().map(EmailMessage::toEmail).toList());
        assertEquals(List.of(new AcceptedBatch.Suppressed("gone@example.com", "550 5.1.1 user unknown (since 2026-12-01T10:00:00Z)"),
                new AcceptedBatch.Suppressed("angry@example.com", "added by an operator (since 2026-12-01T10:00:00Z)")),
                screened.suppressed());
        assertEquals(1, lookups.size());
    }

    @Test
    void aBulkWithoutSuppressedRecipientsKeepsEveryEmailAndABulkOfOnlySuppressedKeepsNone() {
        var fine = List.of(email("a@example.com", List.of("c@example.com"), List.of()));
        assertEquals(new RecipientScreen.Screened(fine, List.of()), screen.bulk(fine, null));
        var none = screen.bulk(List.of(email("gone@example.com", List.of(), List.of())), null);
        assertEquals(List.of(), none.kept());
        assertEquals(1, none.suppressed().size());
    }

    @Test
    void anUnsubscriptionStopsOnlyTheMailOfItsListAndAnEntryForAllMailStopsEveryList() {
        var messages = List.of(email("reader@example.com", List.of(), List.of()),
                email("gone@example.com", List.of(), List.of()));
        RecipientScreen.Screened news = screen.bulk(messages, "news");
        assertEquals(List.of(), news.kept());
        assertEquals(new AcceptedBatch.Suppressed("reader@example.com",
                "one-click unsubscribe from list news (since 2026-12-01T10:00:00Z)"), news.suppressed().get(0));
        RecipientScreen.Screened offers = screen.bulk(messages, "offers");
        assertEquals(List.of("reader@example.com"), offers.kept().stream().map(EmailMessage::toEmail).toList());
        screen.single(email("reader@example.com", List.of(), List.of()), null);
        var refused = assertThrows(InvalidInputException.class,
                () -> screen.single(email("ok@example.com", List.of("reader@example.com"), List.of()), "news"));
        assertEquals(List.of("cc[0]"), refused.errors().stream().map(FieldError::field).toList());
        assertEquals(4, lookups.size(), "one lookup per request");
    }

    @Test
    void aRepeatNamesTheRecipientsOnTheListInOrder() {
        assertEquals(List.of("gone@example.com", "angry@example.com"), screen.suppressedAmong(List.of("a@example.com",
                "gone@example.com", "angry@example.com"), null).stream().map(AcceptedBatch.Suppressed::toEmail).toList());
        assertEquals(List.of(), screen.suppressedAmong(List.of("a@example.com"), null));
    }

    @Test
    void aSuppressedSharedCcOrBccRefusesTheWholeBulk() {
        var refused = assertThrows(InvalidInputException.class, () -> screen.bulk(List.of(
                email("a@example.com", List.of("c@example.com"), List.of("x@example.com", "angry@example.com")),
                email("gone@example.com", List.of("c@example.com"), List.of("x@example.com", "angry@example.com"))), null));
        assertEquals(422, refused.status());
        assertEquals(List.of("bcc[1]"), refused.errors().stream().map(FieldError::field).toList());
    }
}
