package dev.emailengine.templates.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.platform.Fsync;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.templates.entity.RenderedEmail;
import dev.emailengine.templates.entity.TemplateInfo;
import dev.emailengine.templates.entity.TemplateSource;
import jakarta.json.bind.JsonbBuilder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TemplatesTest {

    @TempDir
    Path dir;

    /** MAX_BODY_BYTES' default. */
    private static final long LIMIT = 5 * 1024 * 1024;

    /** For tests about something else than durability, where hundreds of fsyncs only cost time. */
    private static final Fsync NO_FSYNC = new Fsync() {
        @Override
        public void file(FileChannel channel, Path path) {
        }

        @Override
        protected void forceDirectory(Path directory) {
        }
    };

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
                Map.of("title", "Tom & Jerry", "message", "<script>alert(1)</script>", "app_name", "MyApp"), null, LIMIT);

        assertEquals("[MyApp] Tom & Jerry", email.subject());
        assertTrue(email.text().contains("<script>alert(1)</script>"), email.text());
        assertTrue(email.html().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), email.html());
        assertFalse(email.html().contains("<script>"));
        assertTrue(email.html().contains("Tom &amp; Jerry"));
    }

    @Test
    void everyMissingVariableIsNamedAndNothingRendersWithHoles() {
        var e = assertThrows(InvalidInputException.class,
                () -> new Templates(dir).render("welcome", Map.of("name", "John"), null, LIMIT));

        assertEquals(List.of("template_vars.app_name", "template_vars.email", "template_vars.signup_date",
                "template_vars.username"), e.errors().stream().map(FieldError::field).toList());
    }

    @Test
    void aLineBreakInAValueThatLandsInTheSubjectIsRefused() {
        var vars = Map.of("code", "1\r\nBcc: victim@example.com", "app_name", "MyApp", "expiry_minutes", "5");

        var e = assertThrows(InvalidInputException.class, () -> new Templates(dir).render("verify", vars, null, LIMIT));

        assertEquals("template_vars.code", e.errors().get(0).field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "a/b", "", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "verify.txt", "..", "name with space"})
    void malformedNamesAreRejectedBeforeAnyFileAccess(String name) {
        var templates = new Templates(dir);

        var e = assertThrows(InvalidInputException.class, () -> templates.render(name, Map.of(), null, LIMIT));

        assertEquals(400, e.status());
        assertEquals("template_name", e.errors().get(0).field());
    }

    @Test
    void anUnknownTemplateIsABadRequestNamingIt() {
        var e = assertThrows(InvalidInputException.class, () -> new Templates(dir).render("nope", Map.of(), null, LIMIT));

        assertTrue(e.errors().get(0).message().contains("'nope'"));
    }

    @Test
    void aTemplateThatDoesNotCompileIsRefusedAndTheOldVersionStays() {
        var templates = new Templates(dir);
        templates.save(new TemplateSource("promo", "Hi {{name}}", "Sale for {{name}}", null, "promo"));

        var e = assertThrows(InvalidInputException.class,
                () -> templates.save(new TemplateSource("promo", "Hi {{name}}", "Broken {{#list}} never closed", null, null)));

        assertEquals("text", e.errors().get(0).field());
        assertEquals("Sale for Ann", templates.render("promo", Map.of("name", "Ann"), null, LIMIT).text());
    }

    @Test
    void savedTemplatesDecideTheirMimeShapeAndSectionsWork() {
        var templates = new Templates(dir);
        templates.save(new TemplateSource("html_only", "Report {{month}}", null,
                "<ul>{{#items}}<li>{{.}}</li>{{/items}}</ul>", "monthly report"));

        RenderedEmail email = templates.render("html_only", Map.of("month", "May"), null, LIMIT);

        assertEquals("Report May", email.subject());
        assertNull(email.text());
        assertEquals("<ul></ul>", email.html(), "a section without a value renders empty");
        assertEquals("Override", templates.render("html_only", Map.of("month", "May"), "Override", LIMIT).subject());
        assertEquals("monthly report", new Templates(dir).infos().stream()
                .filter(i -> i.name().equals("html_only")).findFirst().orElseThrow().description());
    }

    @Test
    void editsOnDiskArePickedUpWithoutARestart() throws IOException {
        var templates = new Templates(dir);
        assertTrue(templates.render("verify", VERIFY_VARS, null, LIMIT).subject().startsWith("Your MyApp"));

        Path txt = dir.resolve("verify.txt");
        Files.writeString(txt, "Code {{code}}\nbody");
        Files.setLastModifiedTime(txt, FileTime.from(Instant.now().plusSeconds(5)));

        assertEquals("Code 123456", templates.render("verify", VERIFY_VARS, null, LIMIT).subject());
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

        var e = assertThrows(InvalidInputException.class, () -> templates.render("broken", Map.of(), null, LIMIT));

        assertTrue(e.errors().get(0).message().contains("broken on disk"), e.errors().toString());
        assertEquals(4, templates.infos().size());
    }

    @Test
    void concurrentSavesAndDeletesLeaveAWholeManifestListingExactlyTheTemplatesOnDisk() throws Exception {
        var templates = new Templates(dir, NO_FSYNC);
        templates.save(new TemplateSource("report", "Report {{month}}", null, "<p>{{month}}</p>", "monthly"));
        int threads = 8;
        int rounds = 8;
        var start = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(threads);
        try {
            var runs = new ArrayList<Future<Void>>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<Void> run = () -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        // HTML-only: its subject lives only in the manifest, which every change rewrites.
                        templates.save(new TemplateSource("h" + thread + "_" + i, "Html " + thread + " " + i, null,
                                "<b>{{x}}</b>", null));
                        templates.save(new TemplateSource("c" + thread, "Churn", "text {{x}}", null, "d"));
                        templates.delete("c" + thread);
                    }
                    return null;
                };
                runs.add(pool.submit(run));
            }
            start.countDown();
            for (Future<Void> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        var manifest = JsonbBuilder.create().fromJson(Files.readString(dir.resolve("manifest.json")),
                TemplateStore.Manifest.class);
        List<String> onDisk;
        try (Stream<Path> files = Files.list(dir)) {
            onDisk = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".txt") || f.endsWith(".html"))
                    .map(f -> f.substring(0, f.lastIndexOf('.'))).distinct().sorted().toList();
        }
        assertEquals(onDisk, manifest.templates().stream().map(TemplateInfo::name).sorted().toList());
        assertEquals(5 + threads * rounds, onDisk.size(), onDisk.toString());
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < rounds; i++) {
                assertEquals("Html " + t + " " + i, templates.render("h" + t + "_" + i, Map.of("x", "1"), null, LIMIT)
                        .subject());
            }
        }
        assertEquals("Report May", templates.render("report", Map.of("month", "May"), null, LIMIT).subject());
        assertEquals("monthly", templates.infos().stream().filter(i -> i.name().equals("report")).findFirst()
                .orElseThrow().description());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith(".tmp-")).toList());
        }
    }

    @Test
    void anHtmlOnlyTemplateSavedWithoutADescriptionKeepsItsSubjectAndANewOneReplacesIt() {
        var templates = new Templates(dir);
        templates.save(new TemplateSource("news", "News {{n}}", null, "<p>{{n}}</p>", null));
        assertEquals("News 1", templates.render("news", Map.of("n", "1"), null, LIMIT).subject());

        templates.save(new TemplateSource("news", "Issue {{n}}", null, "<p>{{n}}</p>", null));

        assertEquals("Issue 2", new Templates(dir).render("news", Map.of("n", "2"), null, LIMIT).subject());
    }

    @Test
    void aBlankSubjectIsRefusedOnSaveAndAtSendingNeverSentEmpty() throws IOException {
        var templates = new Templates(dir);

        var onSave = assertThrows(InvalidInputException.class,
                () -> templates.save(new TemplateSource("blank", "  ", "body", null, null)));
        assertEquals(400, onSave.status());
        assertEquals("subject", onSave.errors().get(0).field());
        assertFalse(Files.exists(dir.resolve("blank.txt")));

        templates.save(new TemplateSource("titled", "{{title}}", "body", null, null));
        var renderedEmpty = assertThrows(InvalidInputException.class,
                () -> templates.render("titled", Map.of("title", " "), null, LIMIT));
        assertEquals("subject", renderedEmpty.errors().get(0).field());
        assertEquals("Given", templates.render("titled", Map.of("title", " "), "Given", LIMIT).subject());

        // An HTML-only template keeps its subject in the manifest: one lost to a hand-broken
        // manifest is refused, not sent without a subject.
        templates.save(new TemplateSource("news", "News", null, "<p>hi</p>", null));
        Files.writeString(dir.resolve("manifest.json"), "{\"templates\": [{\"name\": \"news\", \"subj");
        Files.setLastModifiedTime(dir.resolve("manifest.json"), FileTime.from(Instant.now().plusSeconds(5)));
        var lost = assertThrows(InvalidInputException.class, () -> templates.render("news", Map.of(), null, LIMIT));
        assertEquals(400, lost.status());
        assertEquals("subject", lost.errors().get(0).field());
    }

    @Test
    void aTemplateBrokenOnDiskIsReplacedBySaveAndKeepsItsManifestEntryUntilThen() throws IOException {
        var templates = new Templates(dir);
        templates.save(new TemplateSource("promo", "Sale", null, "<p>{{x}}</p>", "the promo"));
        Files.writeString(dir.resolve("promo.html"), "<p>{{#never_closed}}</p>");
        templates.delete("welcome");
        assertTrue(Files.readString(dir.resolve("manifest.json")).contains("the promo"),
                "another change keeps the broken template's entry");

        Templates.Saved saved = templates.save(new TemplateSource("promo", "Sale {{x}}", null, "<p>{{x}}</p>", null));

        assertFalse(saved.created(), "a replacement, answered 200");
        assertEquals("the promo", saved.template().description());
        RenderedEmail email = templates.render("promo", Map.of("x", "20%"), null, LIMIT);
        assertEquals("Sale 20%", email.subject());
        assertEquals("<p>20%</p>", email.html());
        assertTrue(templates.save(new TemplateSource("fresh", "Hi", "x", null, null)).created());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Hi {{> footer}}", "{{<layout}}{{$body}}x{{/body}}{{/layout}}", "{{#a}}{{> nested}}{{/a}}"})
    void partialsAreRefusedOnSaveAndATemplateWithOneOnDiskIsABadRequestNotAServerError(String body)
            throws IOException {
        var templates = new Templates(dir);

        var e = assertThrows(InvalidInputException.class,
                () -> templates.save(new TemplateSource("with_partial", "Hi", body, null, null)));

        assertEquals(400, e.status());
        assertEquals("text", e.errors().get(0).field());
        assertTrue(e.errors().get(0).message().contains("not supported"), e.errors().toString());
        assertFalse(Files.exists(dir.resolve("with_partial.txt")));

        Files.writeString(dir.resolve("on_disk.txt"), "Subject\n" + body);
        var send = assertThrows(InvalidInputException.class,
                () -> templates.render("on_disk", Map.of("a", "1"), null, LIMIT));
        assertEquals(400, send.status());
    }

    @Test
    void tempFilesACrashLeftAreRemovedAtStartUpAndNeverListed() throws IOException {
        new Templates(dir);
        for (String temp : List.of(".tmp-verify.txt", ".tmp-manifest.json", ".tmp-promo.html.5f3a", ".tmp-x.txt.1")) {
            Files.writeString(dir.resolve(temp), "Half a subject\n{{");
        }

        var templates = new Templates(dir);

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith(".tmp-")).toList());
        }
        assertEquals(List.of("notification", "password_reset", "verify", "welcome"), templates.names());
        assertEquals(4, templates.infos().size());
    }

    @Test
    void saveAndDeleteReachTheDiskIncludingTheDirectoryEntry() {
        var directorySyncs = new AtomicInteger();
        var fsync = new Fsync() {
            @Override
            protected void forceDirectory(Path directory) throws IOException {
                directorySyncs.incrementAndGet();
                super.forceDirectory(directory);
            }
        };
        var templates = new Templates(dir, fsync);

        int before = directorySyncs.get();
        templates.save(new TemplateSource("promo", "Sale", "text", null, null));
        assertTrue(directorySyncs.get() > before, "save");

        before = directorySyncs.get();
        templates.delete("promo");
        assertTrue(directorySyncs.get() > before, "delete");
    }

    @Test
    void renderingStopsAtTheLimitInsteadOfExpandingASmallTemplateWithALargeValue() {
        var templates = new Templates(dir);
        String manyA = "{{a}}".repeat(200_000);
        templates.save(new TemplateSource("bomb", "Bomb", manyA, manyA, null));
        var vars = Map.of("a", "x".repeat(1024 * 1024));

        var e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(InvalidInputException.class, () -> templates.render("bomb", vars, null, LIMIT)));

        assertEquals(413, e.status());
        assertEquals("body", e.errors().get(0).field());
    }

    @Test
    void theLimitCountsUtf8BytesOfEachPartAndBoundsTheSubjectToo() {
        var templates = new Templates(dir);
        // 1000 bytes each: two-byte and four-byte characters.
        templates.save(new TemplateSource("sized", "S", "{{a}}", "{{b}}", null));
        var vars = Map.of("a", "\u00e9".repeat(500), "b", "\ud83d\ude00".repeat(250));

        assertEquals(1000, templates.render("sized", vars, null, 1000).html().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertEquals(413, assertThrows(InvalidInputException.class, () -> templates.render("sized", vars, null, 999)).status());

        templates.save(new TemplateSource("long_subject", "{{a}}{{a}}", "body", null, null));
        var e = assertThrows(InvalidInputException.class,
                () -> templates.render("long_subject", Map.of("a", "x".repeat(600)), null, 1000));
        assertEquals(413, e.status());
        assertEquals("subject", e.errors().get(0).field());
    }
}
