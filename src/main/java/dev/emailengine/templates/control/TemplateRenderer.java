package dev.emailengine.templates.control;

import dev.emailengine.platform.SingleLine;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.templates.entity.RenderedEmail;
import dev.emailengine.templates.entity.TemplateSource;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Mustache rendering with the rules of an email: values are HTML-escaped in the HTML part and
 * left as they are in the subject and text; a variable the template needs but the request lacks
 * is an error naming it, never an empty hole or a literal {@code {{name}}}; a value that would
 * put a line break into the subject is refused, and so is a subject that renders empty. Rendering
 * stops at a size limit instead of checking the size afterwards.
 */
public class TemplateRenderer {

    private static final Mustache.Compiler PLAIN = Mustache.compiler().escapeHTML(false);
    private static final Mustache.Compiler HTML = Mustache.compiler().escapeHTML(true);

    /** A compiled template and what it needs. */
    public record Compiled(TemplateSource source, Template subject, Template text, Template html,
            Set<String> placeholders, Set<String> required, Set<String> subjectVariables) {
    }

    /** @throws TemplateSyntaxException naming the part that does not compile */
    public Compiled compile(TemplateSource source) {
        Template subject = compile("subject", PLAIN, source.subject() == null ? "" : source.subject());
        Template text = source.text() == null ? null : compile("text", PLAIN, source.text());
        Template html = source.html() == null ? null : compile("html", HTML, source.html());
        var placeholders = new TreeSet<String>();
        var required = new TreeSet<String>();
        var subjectVariables = new TreeSet<String>();
        for (Template t : new Template[] {subject, text, html}) {
            if (t != null) {
                t.visit(new Names(placeholders, true));
                t.visit(new Names(required, false));
            }
        }
        subject.visit(new Names(subjectVariables, true));
        return new Compiled(source, subject, text, html, placeholders, required, subjectVariables);
    }

    /**
     * @param subjectOverride the request's own subject, used instead of the template's when given
     * @param maxBytes the most UTF-8 bytes each part (subject, text, html) may render to
     * @throws InvalidInputException naming every missing variable, a subject value with a line
     *         break, an empty subject (400), or a part larger than {@code maxBytes} (413)
     */
    public RenderedEmail render(Compiled template, Map<String, String> vars, String subjectOverride, long maxBytes) {
        var errors = new ArrayList<FieldError>();
        for (String name : template.required()) {
            if (!vars.containsKey(name)) {
                errors.add(new FieldError("template_vars." + name, "is required by template '"
                        + template.source().name() + "'"));
            }
        }
        if (subjectOverride == null) {
            for (String name : template.subjectVariables()) {
                String value = vars.get(name);
                if (value != null && !SingleLine.Validator.isSingleLine(value)) {
                    errors.add(new FieldError("template_vars." + name, "must not contain line breaks or control characters: it is used in the subject"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(400, "Invalid request", errors);
        }
        try {
            String subject = subjectOverride != null ? subjectOverride : subject(template, vars, maxBytes);
            return new RenderedEmail(subject,
                    template.text() == null ? null : execute(template.text(), vars, maxBytes, "body"),
                    template.html() == null ? null : execute(template.html(), vars, maxBytes, "body"));
        } catch (MustacheException e) {
            // A variable inside a section the checks above could not see in advance.
            throw InvalidInputException.badRequest("template_vars", "cannot render template '"
                    + template.source().name() + "': " + e.getMessage());
        }
    }

    private static String subject(Compiled template, Map<String, String> vars, long maxBytes) {
        String subject = execute(template.subject(), vars, maxBytes, "subject").strip();
        if (subject.isEmpty()) {
            // Sending with an empty Subject is never what was meant (an HTML-only template whose
            // manifest entry was lost, say): refused rather than sent.
            throw InvalidInputException.badRequest("subject", "template '" + template.source().name()
                    + "' renders an empty subject; give a subject in the request or fix the template");
        }
        return subject;
    }

    private static String execute(Template template, Map<String, String> vars, long maxBytes, String field) {
        var out = new BoundedWriter(maxBytes);
        try {
            template.execute(vars, out);
        } catch (BoundedWriter.LimitExceeded e) {
            throw InvalidInputException.tooLarge(field, "renders to more than " + maxBytes + " bytes (MAX_BODY_BYTES)");
        }
        return out.toString();
    }

    private static Template compile(String part, Mustache.Compiler compiler, String source) {
        Template template;
        try {
            template = compiler.compile(source);
        } catch (MustacheException e) {
            throw new TemplateSyntaxException(part, e.getMessage());
        }
        template.visit(new NoPartials(part));
        return template;
    }

    /**
     * Collects names: with {@code descend}, every variable and section anywhere (the placeholders);
     * without, only variables outside any section (the ones a request must give).
     */
    private static final class Names implements Mustache.Visitor {
        private final Set<String> names;
        private final boolean descend;

        Names(Set<String> names, boolean descend) {
            this.names = names;
            this.descend = descend;
        }

        @Override
        public void visitText(String text) {
        }

        @Override
        public void visitVariable(String name) {
            if (!name.equals(".") && !name.equals("this")) {
                names.add(name);
            }
        }

        @Override
        public boolean visitInclude(String name) {
            return false;
        }

        @Override
        public boolean visitSection(String name) {
            if (descend) {
                names.add(name);
            }
            return descend;
        }

        @Override
        public boolean visitInvertedSection(String name) {
            if (descend) {
                names.add(name);
            }
            return descend;
        }
    }

    /** There is nowhere to load a partial from: accepted, every send with one would fail. */
    private record NoPartials(String part) implements Mustache.Visitor {

        @Override
        public void visitText(String text) {
        }

        @Override
        public void visitVariable(String name) {
        }

        @Override
        public boolean visitInclude(String name) {
            throw new TemplateSyntaxException(part, "partials ({{> " + name + "}}) are not supported");
        }

        @Override
        public boolean visitParent(String name) {
            throw new TemplateSyntaxException(part, "parent templates ({{< " + name + "}}) are not supported");
        }

        @Override
        public boolean visitBlock(String name) {
            return true;
        }

        @Override
        public boolean visitSection(String name) {
            return true;
        }

        @Override
        public boolean visitInvertedSection(String name) {
            return true;
        }
    }
}
