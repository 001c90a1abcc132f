package dev.emailengine.templates.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.templates.entity.RenderedEmail;
import dev.emailengine.templates.entity.TemplateInfo;
import dev.emailengine.templates.entity.TemplateSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TemplatesTest {

    @TempDir
    Path dir;

    private static final Map<String, String> VERIFY_VARS = Map.of("code", "123456", "app_name", "MyApp",
            "expiry_minutes", "30");

    @Test
    void theFourDefaultsAreCreatedWithTheOriginalsPlaceholdersAndListedInTheManifest() throws IOException {
        var templates = new Templates(dir);

        assertEquals(List.of("notification", "password_reset", "verify", "welcome"), templates.names());
        Map<String, List<String>> placeholders = templates.infos().stream()
                .collect(Collectors.toMap(TemplateInfo::name, TemplateInfo::placeholders));
        assertEquals(List.of("app_name", "code", "expiry_minutes"), placeholders.get("verify"));
        assertEquals(List.of("app_name", "email", "name", "signup_date", "username"), placeholders.get("welcome"));
        assertEquals(List.of("app_name", "expiry_hours", "name", "reset_code"), placeholders.get("password_reset"));
        assertEquals(List.of("app_name", "message", "title"), placeholders.get("notification"));
        String manifest = Files.readString(dir.resolve("manifest.json"));
        assertTrue(manifest.contains("\"verify.html\"") && manifest.contains("expiry_minutes"), manifest);
    }

    @Test
    void variablesAreEscapedInTheHtmlPartOnly() {
        RenderedEmail email = new Templates(dir).render("notification",
                Map.of("title", "Tom & Jerry", "message", "<script>alert(1)</script>", "app_name", "MyApp"), null);

        assertEquals("[MyApp] Tom & Jerry", email.subject());
        assertTrue(email.text().contains("<script>alert(1)</script>"), email.text());
        assertTrue(email.html().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), email.html());
        assertFalse(email.html().contains("<script>"));
        assertTrue(email.html().contains("Tom &amp; Jerry"));
    }

    @Test
    void everyMissingVariableIsNamedAndNothingRendersWithHoles() {
        var e = assertThrows(InvalidInputException.class,
                () -> new Templates(dir).render("welcome", Map.of("name", "John"), null));

        assertEquals(List.of("template_vars.app_name", "template_vars.email", "template_vars.signup_date",
                "template_vars.username"), e.errors().stream().map(FieldError::field).toList());
    }

    @Test
    void aLineBreakInAValueThatLandsInTheSubjectIsRefused() {
        var vars = Map.of("code", "1\r\nBcc: victim@example.com", "app_name", "MyApp", "expiry_minutes", "5");

        var e = assertThrows(InvalidInputException.class, () -> new Templates(dir).render("verify", vars, null));

        assertEquals("template_vars.code", e.errors().get(0).field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "a/b", "", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "verify.txt", "..", "name with space"})
    void malformedNamesAreRejectedBeforeAnyFileAccess(String name) {
        var templates = new Templates(dir);

        var e = assertThrows(InvalidInputException.class, () -> templates.render(name, Map.of(), null));

        assertEquals(400, e.status());
        assertEquals("template_name", e.errors().get(0).field());
    }

    @Test
    void anUnknownTemplateIsABadRequestNamingIt() {
        var e = assertThrows(InvalidInputException.class, () -> new Templates(dir).render("nope", Map.of(), null));

        assertTrue(e.errors().get(0).message().contains("'nope'"));
    }

    @Test
    void aTemplateThatDoesNotCompileIsRefusedAndTheOldVersionStays() {
        var templates = new Templates(dir);
        templates.save(new TemplateSource("promo", "Hi {{name}}", "Sale for {{name}}", null, "promo"));

        var e = assertThrows(InvalidInputException.class,
                () -> templates.save(new TemplateSource("promo", "Hi {{name}}", "Broken {{#list}} never closed", null, null)));

        assertEquals("text", e.errors().get(0).field());
        assertEquals("Sale for Ann", templates.render("promo", Map.of("name", "Ann"), null).text());
    }

    @Test
    void savedTemplatesDecideTheirMimeShapeAndSectionsWork() {
        var templates = new Templates(dir);
        templates.save(new TemplateSource("html_only", "Report {{month}}", null,
                "<ul>{{#items}}<li>{{.}}</li>{{/items}}</ul>", "monthly report"));

        RenderedEmail email = templates.render("html_only", Map.of("month", "May"), null);

        assertEquals("Report May", email.subject());
        assertNull(email.text());
        assertEquals("<ul></ul>", email.html(), "a section without a value renders empty");
        assertEquals("Override", templates.render("html_only", Map.of("month", "May"), "Override").subject());
        assertEquals("monthly report", new Templates(dir).infos().stream()
                .filter(i -> i.name().equals("html_only")).findFirst().orElseThrow().description());
    }

    @Test
    void editsOnDiskArePickedUpWithoutARestart() throws IOException {
        var templates = new Templates(dir);
        assertTrue(templates.render("verify", VERIFY_VARS, null).subject().startsWith("Your MyApp"));

        Path txt = dir.resolve("verify.txt");
        Files.writeString(txt, "Code {{code}}\nbody");
        Files.setLastModifiedTime(txt, FileTime.from(Instant.now().plusSeconds(5)));

        assertEquals("Code 123456", templates.render("verify", VERIFY_VARS, null).subject());
    }

    @Test
    void aDeletedDefaultComesBackAtTheNextStartAndTheManifestFollowsTheFiles() throws IOException {
        var templates = new Templates(dir);
        assertTrue(templates.delete("welcome"));
        assertFalse(Files.readString(dir.resolve("manifest.json")).contains("\"welcome\""));

        new Templates(dir);

        assertTrue(Files.exists(dir.resolve("welcome.txt")));
        assertTrue(Files.exists(dir.resolve("welcome.html")));
        assertTrue(Files.readString(dir.resolve("manifest.json")).contains("\"welcome\""));
    }

    @Test
    void aTemplateBrokenByHandOnDiskIsRefusedByNameButDoesNotBreakTheListing() throws IOException {
        var templates = new Templates(dir);
        Files.writeString(dir.resolve("broken.txt"), "Subject\n{{#never_closed}}");

        var e = assertThrows(InvalidInputException.class, () -> templates.render("broken", Map.of(), null));

        assertTrue(e.errors().get(0).message().contains("broken on disk"), e.errors().toString());
        assertEquals(4, templates.infos().size());
    }
}
