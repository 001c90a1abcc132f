package dev.emailengine.queue.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.queue.entity.Attachment;
import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.QueuedEmail;
import dev.emailengine.queue.entity.Recipient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueJsonTest {

    private final QueueJson json = new QueueJson();

    @Test
    void everyFieldSurvivesAWriteAndARead() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("X-Campaign", "nov \"quoted\" ✓");
        headers.put("List-Unsubscribe", "<https://example.com/u>");
        var message = new EmailMessage("to@example.com", "Grüße\t", "text\nwith lines", "<p>html</p>", "Billing",
                List.of("cc@example.com"), List.of("bcc@example.com"), List.of("reply@example.com"), headers,
                List.of(new Attachment("a.pdf", "application/pdf", "JVBERi0xLjQK")));
        var email = new QueuedEmail(1, "batch_1795000000000_0000abcd", 1, Instant.parse("2026-11-28T10:00:00.123456789Z"),
                2, 5, Instant.parse("2026-11-28T10:05:00Z"), message, "welcome",
                List.of(new Attempt(Instant.parse("2026-11-28T10:01:00Z"), Attempt.Outcome.THROTTLED, 451, "451 4.7.1 later",
                        "4.7.1"),
                        new Attempt(Instant.parse("2026-11-28T10:02:00Z"), Attempt.Outcome.TRANSIENT_FAILURE, null,
                                "connection reset", null)),
                List.of(new Recipient("to@example.com", Recipient.Kind.TO, Recipient.State.SENT, "250 2.0.0 OK", "2.0.0",
                        Instant.parse("2026-11-28T10:02:00Z")),
                        new Recipient("cc@example.com", Recipient.Kind.CC, Recipient.State.BOUNCED,
                                "550 5.1.1 <cc@example.com>: user unknown", "5.1.1", Instant.parse("2026-11-28T10:01:00Z")),
                        new Recipient("bcc@example.com", Recipient.Kind.BCC, Recipient.State.DEFERRED, "451 4.3.0 later",
                                null, Instant.parse("2026-11-28T10:02:00Z")),
                        Recipient.pending("more@example.com", Recipient.Kind.CC)));

        assertEquals(email, json.read(json.write(email)));
        assertEquals(new QueueJson.Summary(email.id(), 1, email.createdAt(), email.nextAttemptAt(), 2, null),
                json.readSummary(json.write(email)), "start-up reads the same index fields without the bodies");
    }

    @Test
    void foldedThrottledAttemptsKeepTheirCountAndFirstTime() {
        QueuedEmail email = QueuedEmail.accept("batch_1795000000000_0000abcf", 2, Instant.parse("2026-11-28T10:00:00Z"),
                3, EmailMessage.of("a@example.com", "s", "t", null), null);
        for (int i = 0; i < 1_000; i++) {
            email = email.withAttempt(new Attempt(Instant.parse("2026-11-28T10:00:00Z").plusSeconds(i * 5L),
                    Attempt.Outcome.THROTTLED, 451, "451 4.7.1 rate limited, try again later", "4.7.1"));
        }

        byte[] written = json.write(email);

        assertEquals(email, json.read(written));
        assertEquals(1_000, json.read(written).attempts().get(0).count());
        assertEquals(Instant.parse("2026-11-28T10:00:00Z"), json.read(written).attempts().get(0).firstAt());
        assertTrue(written.length < 2_000, "a thousand throttles are one entry, not " + written.length + " bytes");
    }

    @Test
    void anAttemptWrittenByTheReleaseBeforeEnhancedStatusCodesReadsBackWithout() {
        String old = """
                {"version": 1, "id": "batch_1795000000000_0000abd0", "priority": 2, "created_at": "2026-11-28T10:00:00Z",
                 "retry_count": 1, "max_retries": 3, "next_attempt_at": "2026-11-28T10:00:00Z",
                 "message": {"to_email": "a@example.com"},
                 "attempts": [{"at": "2026-11-28T10:00:00Z", "outcome": "TRANSIENT_FAILURE", "smtp_code": 451,
                               "message": "451 4.3.0 later"}]}""";

        QueuedEmail email = json.read(old.getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of(new Attempt(Instant.parse("2026-11-28T10:00:00Z"), Attempt.Outcome.TRANSIENT_FAILURE, 451,
                "451 4.3.0 later", null)), email.attempts());
    }

    @Test
    void theStartUpSummaryRefusesWhatAFullReadRefuses() {
        for (String broken : List.of("{\"version\": 1, \"id\": ", "[]",
                "{\"version\": 2, \"id\": \"x\", \"message\": {\"to_email\": \"a@b.io\"}}",
                "{\"version\": 1, \"id\": \"x\", \"created_at\": \"2026-11-28T10:00:00Z\", "
                        + "\"next_attempt_at\": \"2026-11-28T10:00:00Z\", \"message\": {\"subject\": \"no recipient\"}}",
                "{\"version\": 1, \"id\": \"x\", \"created_at\": \"yesterday\", \"message\": {\"to_email\": \"a@b.io\"}}")) {
            assertThrows(CorruptQueueFileException.class, () -> json.readSummary(broken.getBytes(StandardCharsets.UTF_8)),
                    broken);
        }
    }

    @Test
    void aMinimalEmailAndAnOldFileWithoutTheNewFieldsReadBack() {
        var email = QueuedEmail.accept("batch_1795000000000_0000abce", 2, Instant.parse("2026-11-28T10:00:00Z"), 3,
                EmailMessage.of("to@example.com", "s", "t", null), null);
        assertEquals(email, json.read(json.write(email)));

        String oldFormat = """
                {"version": 1, "id": "batch_1795000000000_0000abcf", "priority": 2, "created_at": "2026-11-28T10:00:00Z",
                 "retry_count": 0, "max_retries": 3, "next_attempt_at": "2026-11-28T10:00:00Z",
                 "message": {"to_email": "a@example.com", "subject": "s", "text_body": "t"}, "attempts": []}""";
        QueuedEmail old = json.read(oldFormat.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(), old.message().cc());
        assertEquals(List.of(), old.recipients(), "a file from before per-recipient outcomes has none recorded");
        assertEquals(List.of(Recipient.pending("a@example.com", Recipient.Kind.TO)), old.recipientOutcomes());
        assertEquals("t", old.message().textBody());
    }

    @Test
    void anUnknownVersionIsRefusedANewerOneAsNewer() {
        var newer = assertThrows(CorruptQueueFileException.class, () -> json.read(
                "{\"version\": 3, \"id\": \"x\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(newer.newerFormat());
        assertTrue(assertThrows(CorruptQueueFileException.class, () -> json.readSummary(
                "{\"version\": 3, \"id\": \"x\"}".getBytes(StandardCharsets.UTF_8))).newerFormat());
        assertThrows(CorruptQueueFileException.class, () -> json.read(
                "{\"version\": 0, \"id\": \"x\"}".getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The release before throttling reads version 1 and fails on a THROTTLED attempt: a record is
     * written as version 2 only once it has one, so a rollback reads every other record, and on
     * PostgreSQL leaves the throttled ones for this release instead of calling them corrupt.
     */
    @Test
    void aRecordIsVersion2OnlyOnceItHasAThrottledAttempt() {
        QueuedEmail email = QueuedEmail.accept("batch_1795000000000_0000abd1", 2, Instant.parse("2026-11-28T10:00:00Z"),
                3, EmailMessage.of("a@example.com", "s", "t", null), null);
        QueuedEmail retried = email.withRetry(new Attempt(Instant.parse("2026-11-28T10:01:00Z"),
                Attempt.Outcome.TRANSIENT_FAILURE, 451, "451 4.3.0 later", "4.3.0"), Instant.parse("2026-11-28T10:02:00Z"));
        assertTrue(new String(json.write(retried), StandardCharsets.UTF_8).contains("\"version\":1"));
        assertEquals(1, json.read(json.write(retried)).version());

        QueuedEmail throttled = retried.withAttempt(new Attempt(Instant.parse("2026-11-28T10:02:00Z"),
                Attempt.Outcome.THROTTLED, 451, "451 4.7.1 slow down", "4.7.1"));
        assertEquals(QueuedEmail.THROTTLING_VERSION, json.read(json.write(throttled)).version());
        assertEquals(QueuedEmail.THROTTLING_VERSION, throttled.requeued(Instant.parse("2026-11-28T11:00:00Z")).version(),
                "its history keeps the throttled attempt");
    }

    @Test
    void fieldsOfTheWrongTypeMakeTheFileCorruptAndUnknownFieldsAreSkipped() {
        String head = "{\"version\": 1, \"id\": \"x\", \"created_at\": \"2026-11-28T10:00:00Z\", ";
        String message = "\"message\": {\"to_email\": \"a@b.io\", \"subject\": \"s\"}";
        for (String broken : List.of(head + "\"priority\": \"high\", " + message + "}",
                head + "\"priority\": 1.5, " + message + "}",
                head + "\"retry_count\": 99999999999, " + message + "}",
                head + "\"attempts\": {}, " + message + "}",
                head + "\"attempts\": [{\"outcome\": \"LOST\"}], " + message + "}",
                head + "\"recipients\": [{\"address\": \"a@b.io\", \"kind\": \"TO\", \"state\": \"GONE\"}], " + message + "}",
                head + "\"recipients\": [{\"address\": \"a@b.io\", \"kind\": \"TO\"}], " + message + "}",
                head + "\"recipients\": {}, " + message + "}",
                head + "\"message\": {\"to_email\": \"a@b.io\", \"cc\": \"c@b.io\"}}",
                head + "\"message\": {\"to_email\": {\"nested\": 1}}}",
                head + "\"message\": []}",
                head + message + ", \"next_attempt_at\": 5}")) {
            assertThrows(CorruptQueueFileException.class, () -> json.read(broken.getBytes(StandardCharsets.UTF_8)),
                    broken);
        }

        QueuedEmail later = json.read((head + "\"added_by_a_later_release\": {\"a\": [1, {\"b\": null}]}, "
                + "\"template_name\": null, " + message + "}").getBytes(StandardCharsets.UTF_8));
        assertEquals("a@b.io", later.message().toEmail());
        assertEquals(null, later.templateName());
    }
}
