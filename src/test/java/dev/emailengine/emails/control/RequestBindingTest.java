package dev.emailengine.emails.control;

import static dev.emailengine.platform.JsonConfiguration.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.emailengine.emails.entity.BulkRequest;
import dev.emailengine.emails.entity.EmailRequest;
import dev.emailengine.platform.JsonRequests;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import jakarta.json.JsonObject;
import jakarta.validation.Validation;
import jakarta.validation.groups.Default;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** From JSON to request records: types, constraints and the JSON paths errors are named by. */
class RequestBindingTest {

    private final JsonRequests requests = new JsonRequests(Validation.buildDefaultValidatorFactory().getValidator());

    private static JsonObject json(String text) {
        try (var reader = JSON.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private List<String> fieldsOf(InvalidInputException e) {
        return e.errors().stream().map(FieldError::field).toList();
    }

    private InvalidInputException rejectSingle(String text) {
        return assertThrows(InvalidInputException.class, () -> requests.bind(json(text), EmailRequest.class,
                Default.class, EmailRequest.Single.class));
    }

    private InvalidInputException rejectBulk(String text) {
        return assertThrows(InvalidInputException.class, () -> JsonRequests.throwIfInvalid(
                requests.tryBind(json(text), EmailRequest.class), requests.tryBind(json(text), BulkRequest.class)));
    }

    @Test
    void laxValuesAreTakenAsTheOriginalTookThem() {
        EmailRequest r = requests.bind(json("""
                {"to_email":"a@b.io","priority":" 3 ","format":"Html","cc":"c@d.io",
                 "template_vars":{"n":5,"ok":true,"none":null,"s":"x"},"send_at":"2030-01-31T10:00:00+01:00"}"""),
                EmailRequest.class);

        assertEquals(3, r.priority());
        assertEquals("HTML", r.format().name());
        assertEquals(List.of("c@d.io"), r.cc());
        assertEquals(Map.of("n", "5", "ok", "true", "none", "", "s", "x"), r.templateVars());
        assertEquals("2030-01-31T09:00:00Z", r.sendAt().toString());
    }

    @Test
    void aWrongTypeIsNamedOnceAndNotAlsoAsMissing() {
        InvalidInputException e = rejectSingle("{\"to_email\":42,\"cc\":[\"a@b.io\",null],\"headers\":{\"X-A\":1}}");

        assertEquals(List.of("to_email", "cc[1]", "headers.X-A"), fieldsOf(e), e.errors().toString());
    }

    @Test
    void pathsNameIndexesAndMapKeysAndAListOfOneByItsField() {
        InvalidInputException e = rejectSingle("""
                {"to_email":"a@b.io","cc":["nope"],"bcc":["a@b.io","x@y.io\\r\\nBcc: z@y.io"],
                 "headers":{"X-Tag":"a\\nb"},"attachments":[{"filename":"a"}]}""");

        assertEquals(List.of("attachments[0].content_base64", "bcc[1]", "cc", "headers.X-Tag"),
                fieldsOf(e).stream().sorted().toList(), e.errors().toString());
    }

    @Test
    void bulkRecipientsAreNamedByIndexAndTooManyIsA413() {
        InvalidInputException bad = rejectBulk("""
                {"subject":"s","body":"b","to_email":"x@y.io","recipients":[{"to_email":"ok@b.io"},{"to_email":"bad"},
                 {"template_vars":[]}]}""");
        assertEquals(400, bad.status());
        assertEquals(List.of("recipients[2].template_vars", "recipients[1].to_email", "recipients[2].to_email",
                "to_email"), fieldsOf(bad), bad.errors().toString());

        String many = Stream.generate(() -> "{\"to_email\":\"r@b.io\"}").limit(1001).collect(Collectors.joining(","));
        InvalidInputException large = rejectBulk("{\"subject\":\"s\",\"recipients\":[" + many + "]}");
        assertEquals(413, large.status());
        assertEquals(List.of("recipients"), fieldsOf(large));
    }

    @Test
    void theFirstHundredFaultsAreReportedInOrder() {
        String many = Stream.generate(() -> "{\"to_email\":\"bad\"}").limit(150).collect(Collectors.joining(","));
        InvalidInputException e = rejectBulk("{\"subject\":\"s\",\"recipients\":[" + many + "]}");

        assertEquals(100, e.errors().size());
        assertEquals("recipients[0].to_email", e.errors().get(0).field());
        assertEquals("recipients[99].to_email", e.errors().get(99).field());
    }
}
