package dev.emailengine.emails.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.emails.entity.EmailRequest;
import dev.emailengine.platform.JsonRequests;
import dev.emailengine.platform.RequestBodyReader;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.templates.control.Templates;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.groups.Default;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rules of POST /email, from raw bytes to the message that would be queued. */
class EmailRequestValidationTest {

    private final RequestBodyReader reader = new RequestBodyReader(1_000);
    private static final Validator VALIDATOR = Validation.buildDefaultValidatorFactory().getValidator();
    private final JsonRequests requests = new JsonRequests(VALIDATOR);
    @TempDir
    static Path templatesDir;

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private final EmailAssembler assembler = new EmailAssembler(new EmailAssembler.Limits(100, 12),
            new Templates(templatesDir), Clock.fixed(NOW, ZoneOffset.UTC));

    private EmailMessage accept(String json) {
        return assembler.assemble(parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
    }

    private EmailRequest parse(ByteArrayInputStream json) {
        return requests.bind(reader.readObject(json), EmailRequest.class, Default.class, EmailRequest.Single.class);
    }

    private InvalidInputException reject(String json) {
        return assertThrows(InvalidInputException.class, () -> accept(json));
    }

    @Test
    void theOriginalReadmeExampleBecomesAMultipartMessage() {
        EmailMessage message = accept("""
                {"subject": "Welcome Email", "body": "Welcome to our service.",
                 "to_email": "user@example.com", "format": "multipart"}""");

        assertEquals(EmailMessage.of("user@example.com", "Welcome Email", "Welcome to our service.",
                "Welcome to our service."), message);
    }

    @Test
    void formatDecidesWhichPartsExist() {
        assertNull(accept("{\"to_email\":\"a@b.io\",\"subject\":\"s\",\"body\":\"t\"}").htmlBody());
        assertNull(accept("{\"to_email\":\"a@b.io\",\"subject\":\"s\",\"body\":\"<b>t</b>\",\"format\":\"html\"}")
                .textBody());
        EmailMessage both = accept("""
                {"to_email":"a@b.io","subject":"s","body":"t","html_body":"<p>t</p>","format":"MULTIPART"}""");
        assertEquals("t", both.textBody());
        assertEquals("<p>t</p>", both.htmlBody());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON                | {"to_email":                                          | 400 | body
            JSON array                    | []                                                    | 400 | body
            empty request body            | ''                                                    | 400 | body
            whitespace body               | '   '                                                 | 400 | body
            missing to_email              | {"subject":"s","body":"b"}                            | 400 | to_email
            empty to_email                | {"to_email":"","subject":"s","body":"b"}              | 400 | to_email
            not an address                | {"to_email":"not-an-email","subject":"s","body":"b"}  | 400 | to_email
            two addresses                 | {"to_email":"a@b.io, c@d.io","subject":"s","body":"b"}| 400 | to_email
            CRLF in to_email              | {"to_email":"a@b.io\\r\\nBcc: x@y.io","subject":"s","body":"b"} | 400 | to_email
            to_email a number             | {"to_email":42,"subject":"s","body":"b"}              | 400 | to_email
            CRLF in subject               | {"to_email":"a@b.io","subject":"Hi\\r\\nBcc: x@y.io","body":"b"} | 400 | subject
            LF in subject                 | {"to_email":"a@b.io","subject":"Hi\\nX-Evil: 1","body":"b"} | 400 | subject
            missing subject               | {"to_email":"a@b.io","body":"b"}                      | 400 | subject
            missing body                  | {"to_email":"a@b.io","subject":"s"}                   | 400 | body
            blank body                    | {"to_email":"a@b.io","subject":"s","body":"  "}       | 400 | body
            priority 0                    | {"to_email":"a@b.io","subject":"s","body":"b","priority":0} | 400 | priority
            priority 4                    | {"to_email":"a@b.io","subject":"s","body":"b","priority":4} | 400 | priority
            priority 1.5                  | {"to_email":"a@b.io","subject":"s","body":"b","priority":1.5} | 400 | priority
            priority huge                 | {"to_email":"a@b.io","subject":"s","body":"b","priority":99999999999} | 400 | priority
            unknown format                | {"to_email":"a@b.io","subject":"s","body":"b","format":"bogus"} | 400 | format
            template path traversal       | {"to_email":"a@b.io","template_name":"../../etc/passwd"} | 400 | template_name
            template vars not an object   | {"to_email":"a@b.io","subject":"s","body":"b","template_vars":[1]} | 400 | template_vars
            body over MAX_BODY_BYTES      | {"to_email":"a@b.io","subject":"s","body":"%s"}       | 413 | body
            template over MAX_BODY_BYTES  | {"to_email":"a@b.io","template_name":"notification","template_vars":{"title":"t","app_name":"a","message":"%s"}} | 413 | body
            template subject too long     | {"to_email":"a@b.io","template_name":"notification","template_vars":{"title":"%s","app_name":"a","message":"m"}} | 413 | subject
            cc not an address             | {"to_email":"a@b.io","subject":"s","body":"b","cc":"nope"} | 400 | cc
            CRLF in a cc entry            | {"to_email":"a@b.io","subject":"s","body":"b","cc":["c@d.io","e@f.io\\r\\nBcc: x@y.io"]} | 400 | cc[1]
            bcc a number                  | {"to_email":"a@b.io","subject":"s","body":"b","bcc":7} | 400 | bcc
            reply_to not an address       | {"to_email":"a@b.io","subject":"s","body":"b","reply_to":"@x"} | 400 | reply_to
            CRLF in from_name             | {"to_email":"a@b.io","subject":"s","body":"b","from_name":"A\\r\\nBcc: x@y.io"} | 400 | from_name
            Bcc as a custom header        | {"to_email":"a@b.io","subject":"s","body":"b","headers":{"Bcc":"x@y.io"}} | 400 | headers.Bcc
            From as a custom header       | {"to_email":"a@b.io","subject":"s","body":"b","headers":{"From":"ceo@y.io"}} | 400 | headers.From
            Content-Type as a header      | {"to_email":"a@b.io","subject":"s","body":"b","headers":{"Content-Type":"text/html"}} | 400 | headers.Content-Type
            CRLF in a header value        | {"to_email":"a@b.io","subject":"s","body":"b","headers":{"X-Tag":"a\\r\\nBcc: x@y.io"}} | 400 | headers.X-Tag
            header name with a colon      | {"to_email":"a@b.io","subject":"s","body":"b","headers":{"X-A: b\\r\\nBcc":"x"}} | 400 | headers.X-A: b\\r\\nBcc
            headers not an object         | {"to_email":"a@b.io","subject":"s","body":"b","headers":["X-A"]} | 400 | headers
            attachment not base64         | {"to_email":"a@b.io","subject":"s","body":"b","attachments":[{"filename":"a.txt","content_base64":"!!"}]} | 400 | attachments[0].content_base64
            attachment without content    | {"to_email":"a@b.io","subject":"s","body":"b","attachments":[{"filename":"a.txt"}]} | 400 | attachments[0].content_base64
            attachment bad content type   | {"to_email":"a@b.io","subject":"s","body":"b","attachments":[{"content_type":"text/plain\\r\\nX: y","content_base64":"YQ=="}]} | 400 | attachments[0].content_type
            attachment multipart type     | {"to_email":"a@b.io","subject":"s","body":"b","attachments":[{"content_type":"multipart/mixed","content_base64":"YQ=="}]} | 400 | attachments[0].content_type
            attachments over the limit    | {"to_email":"a@b.io","subject":"s","body":"b","attachments":[{"content_base64":"MDEyMzQ1Njc4OTAxMjM0NQ=="}]} | 413 | attachments
            send_at without a zone        | {"to_email":"a@b.io","subject":"s","body":"b","send_at":"2030-01-01T09:00:00"} | 400 | send_at
            send_at not a date            | {"to_email":"a@b.io","subject":"s","body":"b","send_at":"tomorrow"} | 400 | send_at
            """)
    void rejectsBadInputNamingTheField(String name, String json, int status, String field) {
        InvalidInputException e = reject(json.replace("%s", "x".repeat(101)));
        String expected = field.replace("\\r\\n", "\r\n");

        assertEquals(status, e.status());
        assertTrue(e.errors().stream().map(FieldError::field).anyMatch(expected::equals),
                () -> name + ": expected field " + expected + " in " + e.errors());
    }

    @Test
    void aRequestOverTheTotalLimitIsRejectedWithoutReadingIt() {
        byte[] huge = ("{\"body\":\"" + "x".repeat(5_000) + "\"}").getBytes(StandardCharsets.UTF_8);

        var e = assertThrows(InvalidInputException.class, () -> reader.readObject(new ByteArrayInputStream(huge)));

        assertEquals(413, e.status());
    }

    @Test
    void everyBrokenRuleIsReportedAtOnce() {
        InvalidInputException e = reject("{\"to_email\":5,\"priority\":9,\"format\":\"x\"}");

        assertEquals(3, e.errors().size(), e.errors().toString());
    }

    @Test
    void priorityAsNumericStringIsAcceptedLikeTheOriginal() {
        var request = parse(new ByteArrayInputStream(
                "{\"to_email\":\"a@b.io\",\"subject\":\"s\",\"body\":\"b\",\"priority\":\"1\"}".getBytes()));

        assertEquals(1, request.priority());
    }

    @Test
    void htmlInTheBodyIsKeptAsTheClientSentIt() {
        EmailMessage message = accept("{\"to_email\":\"a@b.io\",\"subject\":\"<b>s</b>\",\"body\":\"<script>x</script>\"}");

        assertEquals("<script>x</script>", message.textBody());
        assertEquals("<b>s</b>", message.subject());
    }

    @Test
    void ccReplyToHeadersAndAttachmentsAreKept() {
        EmailMessage message = accept("""
                {"to_email":"a@b.io","subject":"s","body":"b","from_name":"Billing","cc":"c@d.io",
                 "bcc":["x@y.io","z@y.io"],"reply_to":"help@b.io",
                 "headers":{"X-Campaign":"nov","List-Unsubscribe":"<https://b.io/u>"},
                 "attachments":[{"filename":"../../etc/passwd","content_type":"Text/Plain","content_base64":"aGk="}]}""");

        assertEquals("Billing", message.fromName());
        assertEquals(List.of("c@d.io"), message.cc());
        assertEquals(List.of("x@y.io", "z@y.io"), message.bcc());
        assertEquals(List.of("help@b.io"), message.replyTo());
        assertEquals(Map.of("X-Campaign", "nov", "List-Unsubscribe", "<https://b.io/u>"), message.headers());
        assertEquals("passwd", message.attachments().get(0).filename());
        assertEquals("text/plain", message.attachments().get(0).contentType());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ../../etc/passwd          | passwd
            C:\\Windows\\evil.exe     | evil.exe
            .htaccess                 | htaccess
            'a"b;c.pdf'               | a_b_c.pdf
            '..'                      | attachment
            ''                        | attachment
            Grüße ✓.txt               | Grüße _.txt
            """)
    void filenamesAreReducedToASafeLastSegment(String given, String expected) {
        assertEquals(expected, Attachments.safeFilename(given));
    }

    @Test
    void sendAtSchedulesInTheFutureAndRefusesThePast() {
        var later = parse(new ByteArrayInputStream(
                "{\"to_email\":\"a@b.io\",\"send_at\":\"2026-11-28T13:00:00+01:00\"}".getBytes()));
        var skewed = parse(new ByteArrayInputStream(
                "{\"to_email\":\"a@b.io\",\"send_at\":\"2026-11-28T11:59:30Z\"}".getBytes()));
        var past = parse(new ByteArrayInputStream(
                "{\"to_email\":\"a@b.io\",\"send_at\":\"2026-11-28T11:00:00Z\"}".getBytes()));

        assertEquals(NOW, assembler.dueAt(later), "13:00+01:00 is 12:00Z");
        assertEquals(NOW, assembler.dueAt(skewed), "half a minute of clock skew means now");
        assertEquals("send_at", assertThrows(InvalidInputException.class, () -> assembler.dueAt(past)).errors().get(0).field());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"''", "'a b'", "'news/x'", "'caf\u00e9'", "'%'",
            "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'"})
    void aListIdOutsideItsAlphabetOrLengthIsRefusedByName(String listId) {
        InvalidInputException e = reject("{\"to_email\": \"a@example.com\", \"subject\": \"s\", \"body\": \"b\","
                + " \"list_id\": \"" + listId + "\"}");
        assertEquals(List.of("list_id"), e.errors().stream().map(FieldError::field).toList());
        assertEquals(400, e.status());
    }

    @Test
    void aListIdOfLettersDigitsDotsUnderscoresAndDashesIsKept() {
        String id = "News.letter_2026-" + "x".repeat(47);
        assertEquals(id, parse(new ByteArrayInputStream(("{\"to_email\": \"a@example.com\", \"list_id\": \"" + id
                + "\"}").getBytes(StandardCharsets.UTF_8))).listId());
    }
}
