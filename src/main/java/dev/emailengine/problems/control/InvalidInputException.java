package dev.emailengine.problems.control;

import dev.emailengine.problems.entity.FieldError;
import jakarta.ejb.ApplicationException;
import java.util.List;

/**
 * A request the API refuses as a whole (400, 413 or 422), naming every field at fault. Plain
 * Java, so the rules that throw it are testable without a JAX-RS runtime.
 */
@ApplicationException
public class InvalidInputException extends RuntimeException {

    private final int status;
    private final String title;
    private final List<FieldError> errors;

    public InvalidInputException(int status, String title, List<FieldError> errors) {
        super(title + ": " + errors);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public static InvalidInputException badRequest(String field, String message) {
        return new InvalidInputException(400, "Invalid request", List.of(new FieldError(field, message)));
    }

    public static InvalidInputException tooLarge(String field, String message) {
        return new InvalidInputException(413, "Request too large", List.of(new FieldError(field, message)));
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
