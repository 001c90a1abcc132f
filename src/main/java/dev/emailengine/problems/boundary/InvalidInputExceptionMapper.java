package dev.emailengine.problems.boundary;

import dev.emailengine.problems.control.InvalidInputException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Rejected input as problem details with one entry per field at fault. */
@Provider
public class InvalidInputExceptionMapper implements ExceptionMapper<InvalidInputException> {

    @Override
    public Response toResponse(InvalidInputException invalid) {
        return Problems.of(invalid.status(), invalid.title(), Problems.summary(invalid.errors()), invalid.errors());
    }
}
