package dev.emailengine.queue.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueuedEmailTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private static QueuedEmail email() {
        var message = new EmailMessage("to@example.com", "s", "t", null, null, List.of("cc@example.com", "TO@example.com"),
                List.of("bcc@EXAMPLE.com", "cc@Example.com"), null, null, null);
        return QueuedEmail.accept("batch_1", 2, T0, 3, message, null);
    }

    @Test
    void beforeTheFirstAttemptEveryRecipientIsPendingOnceWithItsKind() {
        assertEquals(List.of(Recipient.pending("to@example.com", Recipient.Kind.TO),
                Recipient.pending("cc@example.com", Recipient.Kind.CC),
                Recipient.pending("TO@example.com", Recipient.Kind.CC),
                Recipient.pending("bcc@EXAMPLE.com", Recipient.Kind.BCC)), email().recipientOutcomes(),
                "the domain is compared without case, the local part exactly");
        assertEquals(List.of("to@example.com", "cc@example.com", "TO@example.com", "bcc@EXAMPLE.com"),
                email().unfinishedAddresses());
    }

    @Test
    void aRequeuedDeadLetterTriesAgainEveryRecipientThatDidNotGetIt() {
        var outcomes = email().recipientOutcomes();
        var tried = email().withRecipients(List.of(outcomes.get(0).with(Recipient.State.SENT, "250 ok", null, T0),
                outcomes.get(1).with(Recipient.State.BOUNCED, "550 5.1.1 unknown", "5.1.1", T0),
                outcomes.get(2).with(Recipient.State.FAILED, "554 5.7.1 spam", "5.7.1", T0), outcomes.get(3)));

        QueuedEmail requeued = tried.requeued(T0.plusSeconds(60));

        assertEquals(List.of(Recipient.State.SENT, Recipient.State.PENDING, Recipient.State.PENDING,
                Recipient.State.PENDING), requeued.recipientOutcomes().stream().map(Recipient::state).toList());
        assertEquals(List.of("cc@example.com", "TO@example.com", "bcc@EXAMPLE.com"), requeued.unfinishedAddresses());
        assertEquals("550 5.1.1 unknown", requeued.recipientOutcomes().get(1).reply(), "the last reply stays visible");
    }
}
