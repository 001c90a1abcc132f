package dev.emailengine.templates.control;

import dev.emailengine.platform.DurableFiles;
import dev.emailengine.platform.Fsync;
import dev.emailengine.templates.entity.TemplateInfo;
import dev.emailengine.templates.entity.TemplateSource;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The template files in {@code TEMPLATES_DIR}. Every write goes through a temp file of its own,
 * fsync and an atomic rename, and the directory is fsync'd after, so a reader (or a crash) never
 * sees half a template. Only names that passed {@link Templates#NAME} reach this class, so no name
 * can point outside the directory; temp names start with a dot, so none is ever such a name.
 */
public class TemplateStore {

    private static final System.Logger LOG = System.getLogger(TemplateStore.class.getName());

    static final String TEMP_PREFIX = DurableFiles.TEMP_PREFIX;

    /** Suffixes that make each temp file name unique, so two writes never share one. */

    /** The shape of {@code manifest.json}. */
    public record Manifest(List<TemplateInfo> templates) {
    }

    static final String MANIFEST = "manifest.json";

    private final Path dir;
    private final Fsync fsync;
    private final DurableFiles durable;
    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig().withFormatting(true));

    public TemplateStore(Path dir, Fsync fsync) {
        this.dir = dir;
        this.fsync = fsync;
        this.durable = new DurableFiles(fsync);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the templates directory " + dir, e);
        }
    }

    public Path directory() {
        return dir;
    }

    public Optional<TemplateSource> read(String name) {
        return read(name, readManifest());
    }

    /** @param manifest the manifest as read, for reading many templates with one parse of it */
    public Optional<TemplateSource> read(String name, Map<String, TemplateInfo> manifest) {
        try {
            String txt = readIfExists(dir.resolve(name + ".txt"));
            String html = readIfExists(dir.resolve(name + ".html"));
            if (txt == null && html == null) {
                return Optional.empty();
            }
            TemplateInfo listed = manifest.get(name);
            String description = listed == null ? null : listed.description();
            if (txt == null) {
                return Optional.of(new TemplateSource(name, listed == null ? null : listed.subject(), null, html,
                        description));
            }
            int newline = txt.indexOf('\n');
            String subject = newline < 0 ? txt : txt.substring(0, newline);
            String text = newline < 0 ? "" : txt.substring(newline + 1);
            return Optional.of(new TemplateSource(name, subject.strip(), text, html, description));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + name, e);
        }
    }

    public boolean exists(String name) {
        return Files.exists(dir.resolve(name + ".txt")) || Files.exists(dir.resolve(name + ".html"));
    }

    /** Changes whenever a file the template is made of changes, so edits on disk are seen without a restart. */
    public String stamp(String name) {
        var stamp = new StringBuilder();
        for (String file : new String[] {name + ".txt", name + ".html", MANIFEST}) {
            try {
                stamp.append(Files.getLastModifiedTime(dir.resolve(file)).toMillis()).append('/')
                        .append(Files.size(dir.resolve(file))).append(';');
            } catch (IOException e) {
                stamp.append("-;");
            }
        }
        return stamp.toString();
    }

    public List<String> names() {
        var names = new TreeSet<String>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{txt,html}")) {
            for (Path file : files) {
                String n = file.getFileName().toString();
                String name = n.substring(0, n.lastIndexOf('.'));
                if (Templates.NAME.matcher(name).matches()) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return List.copyOf(names);
    }

    /** Writes both files (or removes the absent one); the old version stays whole until the renames. */
    public void write(TemplateSource source) throws IOException {
        if (source.text() != null) {
            replace(dir.resolve(source.name() + ".txt"), source.subject() + "\n" + source.text());
        } else {
            Files.deleteIfExists(dir.resolve(source.name() + ".txt"));
        }
        if (source.html() != null) {
            replace(dir.resolve(source.name() + ".html"), source.html());
        } else {
            Files.deleteIfExists(dir.resolve(source.name() + ".html"));
        }
        fsync.directory(dir);
    }

    public boolean delete(String name) throws IOException {
        boolean txt = Files.deleteIfExists(dir.resolve(name + ".txt"));
        boolean html = Files.deleteIfExists(dir.resolve(name + ".html"));
        fsync.directory(dir);
        return txt || html;
    }

    /** Removes the temp files a crash left mid-write; returns their names. */
    public List<String> removeTemporaryFiles() throws IOException {
        var removed = new ArrayList<String>();
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path temp : temps) {
                if (Files.deleteIfExists(temp)) {
                    removed.add(temp.getFileName().toString());
                }
            }
        }
        if (!removed.isEmpty()) {
            fsync.directory(dir);
        }
        return removed;
    }

    /** Copies a bundled default's files that are missing; true when anything was written. */
    public boolean restoreDefault(String name) throws IOException {
        boolean restored = false;
        for (String file : new String[] {name + ".txt", name + ".html"}) {
            Path target = dir.resolve(file);
            if (Files.exists(target)) {
                continue;
            }
            try (InputStream bundled = TemplateStore.class.getResourceAsStream("/default-templates/" + file)) {
                if (bundled != null) {
                    replace(target, new String(bundled.readAllBytes(), StandardCharsets.UTF_8));
                    restored = true;
                }
            }
        }
        if (restored) {
            fsync.directory(dir);
        }
        return restored;
    }

    public Map<String, TemplateInfo> readManifest() {
        try {
            String json = readIfExists(dir.resolve(MANIFEST));
            var byName = new LinkedHashMap<String, TemplateInfo>();
            if (json != null) {
                Manifest manifest = jsonb.fromJson(json, Manifest.class);
                if (manifest != null && manifest.templates() != null) {
                    manifest.templates().forEach(t -> byName.put(t.name(), t));
                }
            }
            return byName;
        } catch (IOException | JsonbException e) {
            // A hand-broken manifest loses descriptions and the subjects of HTML-only templates (which
            // then refuse to send rather than send without one); it is rewritten on the next change.
            LOG.log(Level.WARNING, "{0} cannot be read, so descriptions and HTML-only subjects are missing: {1}",
                    dir.resolve(MANIFEST), e.getMessage());
            return new LinkedHashMap<>();
        }
    }

    public void writeManifest(List<TemplateInfo> templates) throws IOException {
        replace(dir.resolve(MANIFEST), jsonb.toJson(new Manifest(new ArrayList<>(templates))) + "\n");
        fsync.directory(dir);
    }

    private static String readIfExists(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Temp file, fsync, atomic rename; the caller fsyncs the directory once its renames are done. */
    private void replace(Path target, String content) throws IOException {
        durable.replace(dir, target.getFileName().toString(), content.getBytes(StandardCharsets.UTF_8));
    }
}
