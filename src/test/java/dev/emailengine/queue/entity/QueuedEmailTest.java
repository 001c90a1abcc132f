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
    void aDisplayNameDoesNotMakeAnAddressASecondRecipient() {
        var message = new EmailMessage("Ada <ada@example.com>", "s", "t", null, null, List.of("ada@EXAMPLE.com"),
                List.of("\"ada\"@example.com"), null, null, null);
        var email = QueuedEmail.accept("batch_1", 2, T0, 3, message, null);

        assertEquals(List.of(Recipient.pending("Ada <ada@example.com>", Recipient.Kind.TO)), email.recipientOutcomes());
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
    void aRequeuedDeadLetterTriesAgainEveryRecipientThatFailedButNotOneThatBounced() {
        var outcomes = email().recipientOutcomes();
        var tried = email().withRecipients(List.of(outcomes.get(0).with(Recipient.State.SENT, "250 ok", null, T0),
                outcomes.get(1).with(Recipient.State.BOUNCED, "550 5.1.1 unknown", "5.1.1", T0),
                outcomes.get(2).with(Recipient.State.FAILED, "554 5.7.1 spam", "5.7.1", T0), outcomes.get(3)));

        QueuedEmail requeued = tried.requeued(T0.plusSeconds(60));

        assertEquals(List.of(Recipient.State.SENT, Recipient.State.BOUNCED, Recipient.State.PENDING,
                Recipient.State.PENDING), requeued.recipientOutcomes().stream().map(Recipient::state).toList());
        assertEquals(List.of("TO@example.com", "bcc@EXAMPLE.com"), requeued.unfinishedAddresses(),
                "a bounced address is not mailed again");
        assertEquals("554 5.7.1 spam", requeued.recipientOutcomes().get(2).reply(), "the last reply stays visible");
    }

    @Test
    void aThousandThrottledAttemptsInARowAreOneEntryAndAnotherOutcomeStartsANewOne() {
        QueuedEmail email = email();
        for (int i = 0; i < 1_000; i++) {
            email = email.withAttempt(new Attempt(T0.plusSeconds(i), Attempt.Outcome.THROTTLED, 451,
                    "451 4.7.1 slow down " + i, "4.7.1"));
        }
        assertEquals(List.of(new Attempt(T0.plusSeconds(999), Attempt.Outcome.THROTTLED, 451, "451 4.7.1 slow down 999",
                "4.7.1", 1_000, T0)), email.attempts(), "the count, the first time, the latest reply");

        email = email.withRetry(new Attempt(T0.plusSeconds(1_000), Attempt.Outcome.TRANSIENT_FAILURE, 451, "451 4.3.0",
                "4.3.0"), T0.plusSeconds(1_060)).withAttempt(new Attempt(T0.plusSeconds(1_060),
                        Attempt.Outcome.THROTTLED, 421, "421 4.7.0 busy", "4.7.0"));
        assertEquals(List.of(1_000, 1, 1), email.attempts().stream().map(Attempt::times).toList());
        assertEquals(null, email.attempts().get(2).count(), "a single attempt is written as before");
    }
}
