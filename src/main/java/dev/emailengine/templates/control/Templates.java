package dev.emailengine.templates.control;

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
 * keeps {@code manifest.json} in step with the files.
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
    private TemplateStore store;

    private record Cached(String stamp, TemplateRenderer.Compiled compiled) {
    }

    public Templates() {
    }

    /** For tests and tools outside a container. */
    public Templates(Path directory) {
        this.directory = directory.toString();
        start();
    }

    @PostConstruct
    void start() {
        store = new TemplateStore(Path.of(directory).toAbsolutePath().normalize());
        try {
            for (String name : DEFAULTS.keySet()) {
                if (store.restoreDefault(name)) {
                    LOG.log(Level.INFO, "default template {0} was missing and has been re-created", name);
                }
            }
            writeManifest();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the templates in " + store.directory(), e);
        }
        LOG.log(Level.INFO, "templates in {0}: {1}", store.directory(), store.names());
    }

    /** @throws InvalidInputException for a malformed or unknown name, or missing variables */
    public RenderedEmail render(String name, Map<String, String> vars, String subjectOverride) {
        TemplateRenderer.Compiled compiled = compiled(checkedName("template_name", name))
                .orElseThrow(() -> InvalidInputException.badRequest("template_name", "unknown template '" + name + "'"));
        return renderer.render(compiled, vars, subjectOverride);
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
     * Creates or replaces a template, compiling it first: one that does not compile is refused
     * and the old version stays as it was.
     */
    public TemplateInfo save(TemplateSource source) {
        checkedName("name", source.name());
        TemplateRenderer.Compiled compiled;
        try {
            compiled = renderer.compile(source);
        } catch (TemplateSyntaxException e) {
            throw InvalidInputException.badRequest(e.part(), "does not compile: " + e.getMessage());
        }
        try {
            store.write(source);
            cache.remove(source.name());
            writeManifest(source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write template " + source.name(), e);
        }
        LOG.log(Level.INFO, "template {0} saved", source.name());
        return info(compiled);
    }

    public boolean delete(String name) {
        try {
            boolean deleted = store.delete(checkedName("name", name));
            cache.remove(name);
            writeManifest();
            if (deleted) {
                LOG.log(Level.INFO, "template {0} deleted", name);
            }
            return deleted;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete template " + name, e);
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
        TemplateSource s = c.source();
        var files = new ArrayList<String>();
        if (s.text() != null) {
            files.add(s.name() + ".txt");
        }
        if (s.html() != null) {
            files.add(s.name() + ".html");
        }
        String description = s.description() != null ? s.description() : DEFAULTS.get(s.name());
        return new TemplateInfo(s.name(), files, List.copyOf(c.placeholders()), description,
                s.text() == null ? s.subject() : null);
    }

    /** Rewrites the manifest from the files; {@code saved} carries a description not yet on disk. */
    private void writeManifest(TemplateSource... saved) throws IOException {
        var infos = new ArrayList<TemplateInfo>();
        for (TemplateInfo info : infos()) {
            for (TemplateSource s : saved) {
                if (s.name().equals(info.name()) && s.description() != null) {
                    info = new TemplateInfo(info.name(), info.files(), info.placeholders(), s.description(),
                            info.subject() != null ? info.subject() : (s.text() == null ? s.subject() : null));
                }
            }
            infos.add(info);
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
