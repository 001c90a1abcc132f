package dev.emailengine.templates.control;

import dev.emailengine.platform.Fsync;
import dev.emailengine.platform.SingleLine;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.templates.entity.RenderedEmail;
import dev.emailengine.templates.entity.TemplateInfo;
import dev.emailengine.templates.entity.TemplateSource;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The templates the service knows: compiled once and cached until their files change on disk,
 * so a request pays for two file stats, not a parse. Creates the four defaults when missing and
 * keeps {@code manifest.json} in step with the files. Changes are made one at a time: each rewrites
 * the manifest from what it read, so two at once would lose one's entry.
 */
@ApplicationScoped
public class Templates {

    private static final System.Logger LOG = System.getLogger(Templates.class.getName());

    /** The only template names accepted anywhere; nothing else becomes a file name. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    static final Map<String, String> DEFAULTS = Map.of(
            "verify", "Verification code for signing in or confirming an address",
            "welcome", "Welcome message for a new account",
            "password_reset", "Password reset code",
            "notification", "General notification with a title and a message");

    @Inject
    @ConfigProperty(name = "templates.dir", defaultValue = "./templates")
    String directory;

    private final TemplateRenderer renderer = new TemplateRenderer();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Held by every change to the files, from reading the manifest to writing it back. */
    private final Object changes = new Object();
    private Fsync fsync = new Fsync();
    private TemplateStore store;

    private record Cached(String stamp, TemplateRenderer.Compiled compiled) {
    }

    /** What a save did: the template as listed, and whether it is new. */
    public record Saved(TemplateInfo template, boolean created) {
    }

    public Templates() {
    }

    /** For tests and tools outside a container. */
    public Templates(Path directory) {
        this(directory, new Fsync());
    }

    Templates(Path directory, Fsync fsync) {
        this.directory = directory.toString();
        this.fsync = fsync;
        start();
    }

    @PostConstruct
    void start() {
        store = new TemplateStore(Path.of(directory).toAbsolutePath().normalize(), fsync);
        synchronized (changes) {
            try {
                List<String> temps = store.removeTemporaryFiles();
                if (!temps.isEmpty()) {
                    LOG.log(Level.INFO, "removed {0}, left in {1} by an interrupted write", temps, store.directory());
                }
                for (String name : DEFAULTS.keySet()) {
                    if (store.restoreDefault(name)) {
                        LOG.log(Level.INFO, "default template {0} was missing and has been re-created", name);
                    }
                }
                writeManifest(null);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare the templates in " + store.directory(), e);
            }
        }
        LOG.log(Level.INFO, "templates in {0}: {1}", store.directory(), store.names());
    }

    /**
     * @param maxBytes the most UTF-8 bytes the subject and each body part may render to (MAX_BODY_BYTES)
     * @throws InvalidInputException for a malformed or unknown name, missing variables, an empty
     *         subject, or a part that renders larger than {@code maxBytes} (413)
     */
    public RenderedEmail render(String name, Map<String, String> vars, String subjectOverride, long maxBytes) {
        TemplateRenderer.Compiled compiled = compiled(checkedName("template_name", name))
                .orElseThrow(() -> InvalidInputException.badRequest("template_name", "unknown template '" + name + "'"));
        return renderer.render(compiled, vars, subjectOverride, maxBytes);
    }

    public List<String> names() {
        return store.names();
    }

    /** Every template that compiles; one broken by hand on disk is logged and left out until fixed. */
    public List<TemplateInfo> infos() {
        var infos = new ArrayList<TemplateInfo>();
        for (String name : store.names()) {
            try {
                compiled(name).ifPresent(c -> infos.add(info(c)));
            } catch (InvalidInputException e) {
                // logged by compiled()
            }
        }
        return infos;
    }

    /** Empty for an unknown template; malformed names are rejected before any file access. */
    public Optional<TemplateRenderer.Compiled> find(String name) {
        return compiled(checkedName("name", name));
    }

    /**
     * Creates or replaces a template, compiling it first: one that does not compile, or has no
     * subject, is refused and the old version stays as it was. The old version itself may be
     * broken on disk: it is replaced all the same.
     */
    public Saved save(TemplateSource source) {
        String name = checkedName("name", source.name());
        if (source.subject() == null || source.subject().isBlank()) {
            throw InvalidInputException.badRequest("subject", "is required");
        }
        if (!SingleLine.Validator.isSingleLine(source.subject())) {
            // The subject is the first line of the .txt file: a second line would become the body.
            throw InvalidInputException.badRequest("subject", "must be one line");
        }
        TemplateRenderer.Compiled compiled;
        try {
            compiled = renderer.compile(source);
        } catch (TemplateSyntaxException e) {
            throw InvalidInputException.badRequest(e.part(), "does not compile: " + e.getMessage());
        }
        TemplateInfo saved;
        boolean created;
        synchronized (changes) {
            try {
                created = !store.exists(name);
                TemplateInfo listed = store.readManifest().get(name);
                saved = info(compiled, listed == null ? null : listed.description());
                store.write(source);
                cache.remove(name);
                writeManifest(saved);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write template " + name, e);
            }
        }
        LOG.log(Level.INFO, "template {0} saved", name);
        return new Saved(saved, created);
    }

    public boolean delete(String name) {
        checkedName("name", name);
        synchronized (changes) {
            try {
                boolean deleted = store.delete(name);
                cache.remove(name);
                writeManifest(null);
                if (deleted) {
                    LOG.log(Level.INFO, "template {0} deleted", name);
                }
                return deleted;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete template " + name, e);
            }
        }
    }

    private Optional<TemplateRenderer.Compiled> compiled(String name) {
        String stamp = store.stamp(name);
        Cached cached = cache.get(name);
        if (cached != null && cached.stamp().equals(stamp)) {
            return Optional.of(cached.compiled());
        }
        Optional<TemplateSource> source = store.read(name);
        if (source.isEmpty()) {
            cache.remove(name);
            return Optional.empty();
        }
        try {
            TemplateRenderer.Compiled compiled = renderer.compile(source.get());
            cache.put(name, new Cached(stamp, compiled));
            return Optional.of(compiled);
        } catch (TemplateSyntaxException e) {
            // Edited by hand into something that does not compile: unusable until fixed.
            LOG.log(Level.WARNING, "template {0} on disk does not compile ({1}): {2}", name, e.part(), e.getMessage());
            throw InvalidInputException.badRequest("template_name",
                    "template '" + name + "' is broken on disk (" + e.part() + "): " + e.getMessage());
        }
    }

    private static TemplateInfo info(TemplateRenderer.Compiled c) {
        return info(c, null);
    }

    /** @param listedDescription the manifest's description, kept when the source brings none */
    private static TemplateInfo info(TemplateRenderer.Compiled c, String listedDescription) {
        TemplateSource s = c.source();
        var files = new ArrayList<String>();
        if (s.text() != null) {
            files.add(s.name() + ".txt");
        }
        if (s.html() != null) {
            files.add(s.name() + ".html");
        }
        String description = s.description() != null ? s.description()
                : listedDescription != null ? listedDescription : DEFAULTS.get(s.name());
        return new TemplateInfo(s.name(), files, List.copyOf(c.placeholders()), description,
                s.text() == null ? s.subject() : null);
    }

    /**
     * Rewrites the manifest from the files; {@code saved} is the entry of a template just written,
     * taken as given. Called with {@link #changes} held.
     */
    private void writeManifest(TemplateInfo saved) throws IOException {
        Map<String, TemplateInfo> listed = store.readManifest();
        var infos = new ArrayList<TemplateInfo>();
        for (String name : store.names()) {
            if (saved != null && saved.name().equals(name)) {
                infos.add(saved);
                continue;
            }
            try {
                store.read(name, listed).ifPresent(source -> infos.add(info(renderer.compile(source))));
            } catch (TemplateSyntaxException e) {
                // Broken by hand on disk: its entry stays, so its subject and description are still
                // there once it is fixed.
                if (listed.containsKey(name)) {
                    infos.add(listed.get(name));
                }
            }
        }
        store.writeManifest(infos);
    }

    private static String checkedName(String field, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw InvalidInputException.badRequest(field, "must be 1 to 64 of A-Z, a-z, 0-9, _ and -");
        }
        return name;
    }
}
