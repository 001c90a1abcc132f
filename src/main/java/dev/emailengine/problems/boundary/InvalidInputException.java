package dev.emailengine.problems.boundary;

import dev.emailengine.problems.entity.FieldError;
import jakarta.ws.rs.WebApplicationException;
import java.util.List;

/** A request the API refuses as a whole (400, 413 or 422), naming every field at fault. */
public class InvalidInputException extends WebApplicationException {

    private final String title;
    private final List<FieldError> errors;

    public InvalidInputException(int status, String title, List<FieldError> errors) {
        super(title, status);
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public static InvalidInputException badRequest(String field, String message) {
        return new InvalidInputException(400, "Invalid request", List.of(new FieldError(field, message)));
    }

    public static InvalidInputException tooLarge(String field, String message) {
        return new InvalidInputException(413, "Request too large", List.of(new FieldError(field, message)));
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
