package dev.emailengine.templates.control;

import dev.emailengine.templates.entity.TemplateInfo;
import dev.emailengine.templates.entity.TemplateSource;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The template files in {@code TEMPLATES_DIR}. Every write goes through a temp file and an
 * atomic rename, so a reader (or a crash) never sees half a template. Only names that passed
 * {@link Templates#NAME} reach this class, so no name can point outside the directory.
 */
public class TemplateStore {

    /** The shape of {@code manifest.json}. */
    public record Manifest(List<TemplateInfo> templates) {
    }

    static final String MANIFEST = "manifest.json";

    private final Path dir;
    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig().withFormatting(true));

    public TemplateStore(Path dir) {
        this.dir = dir;
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
        try {
            String txt = readIfExists(dir.resolve(name + ".txt"));
            String html = readIfExists(dir.resolve(name + ".html"));
            if (txt == null && html == null) {
                return Optional.empty();
            }
            TemplateInfo listed = readManifest().get(name);
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
            writeAtomically(dir.resolve(source.name() + ".txt"), source.subject() + "\n" + source.text());
        } else {
            Files.deleteIfExists(dir.resolve(source.name() + ".txt"));
        }
        if (source.html() != null) {
            writeAtomically(dir.resolve(source.name() + ".html"), source.html());
        } else {
            Files.deleteIfExists(dir.resolve(source.name() + ".html"));
        }
    }

    public boolean delete(String name) throws IOException {
        boolean txt = Files.deleteIfExists(dir.resolve(name + ".txt"));
        boolean html = Files.deleteIfExists(dir.resolve(name + ".html"));
        return txt || html;
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
                    writeAtomically(target, new String(bundled.readAllBytes(), StandardCharsets.UTF_8));
                    restored = true;
                }
            }
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
            // A hand-broken manifest loses descriptions, nothing else; it is rewritten on the next change.
            return new LinkedHashMap<>();
        }
    }

    public void writeManifest(List<TemplateInfo> templates) throws IOException {
        writeAtomically(dir.resolve(MANIFEST), jsonb.toJson(new Manifest(new ArrayList<>(templates))) + "\n");
    }

    private static String readIfExists(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void writeAtomically(Path target, String content) throws IOException {
        Path temp = target.resolveSibling(".tmp-" + target.getFileName());
        try (var channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            var bytes = StandardCharsets.UTF_8.encode(content);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
