package dev.emailengine.emails.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.entity.EmailMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import dev.emailengine.templates.control.Templates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rules of POST /email, from raw bytes to the message that would be queued. */
class EmailRequestValidationTest {

    private final RequestBodyReader reader = new RequestBodyReader(1_000);
    private final EmailRequestParser parser = new EmailRequestParser();
    @TempDir
    static Path templatesDir;

    private final EmailAssembler assembler = new EmailAssembler(100, new Templates(templatesDir));

    private EmailMessage accept(String json) {
        var request = parser.parse(reader.readObject(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
        return assembler.assemble(request);
    }

    private InvalidInputException reject(String json) {
        return assertThrows(InvalidInputException.class, () -> accept(json));
    }

    @Test
    void theOriginalReadmeExampleBecomesAMultipartMessage() {
        EmailMessage message = accept("""
                {"subject": "Welcome Email", "body": "Welcome to our service.",
                 "to_email": "user@example.com", "format": "multipart"}""");

        assertEquals(new EmailMessage("user@example.com", "Welcome Email", "Welcome to our service.",
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
            """)
    void rejectsBadInputNamingTheField(String name, String json, int status, String field) {
        InvalidInputException e = reject(json.replace("%s", "x".repeat(101)));

        assertEquals(status, e.status());
        assertTrue(e.errors().stream().map(FieldError::field).anyMatch(field::equals),
                () -> name + ": expected field " + field + " in " + e.errors());
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
        var request = parser.parse(reader.readObject(new ByteArrayInputStream(
                "{\"to_email\":\"a@b.io\",\"subject\":\"s\",\"body\":\"b\",\"priority\":\"1\"}".getBytes())));

        assertEquals(1, request.priority());
    }

    @Test
    void htmlInTheBodyIsKeptAsTheClientSentIt() {
        EmailMessage message = accept("{\"to_email\":\"a@b.io\",\"subject\":\"<b>s</b>\",\"body\":\"<script>x</script>\"}");

        assertEquals("<script>x</script>", message.textBody());
        assertEquals("<b>s</b>", message.subject());
    }
}
