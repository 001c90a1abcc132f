package dev.emailengine.templates.control;

/** A template that does not compile; names the part (subject, text, html) and where. */
public class TemplateSyntaxException extends RuntimeException {

    private final String part;

    public TemplateSyntaxException(String part, String message) {
        super(message);
        this.part = part;
    }

    public String part() {
        return part;
    }
}
