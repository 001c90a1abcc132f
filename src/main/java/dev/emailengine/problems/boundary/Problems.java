package dev.emailengine.problems.boundary;

import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.problems.entity.Problem;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Builds RFC 9457 problem-details responses. */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    /**
     * Serialised here rather than by the JAX-RS runtime: not every runtime's JSON-B provider
     * writes {@code application/problem+json}, and a mapper's answer must not depend on that.
     * Every property of a problem is one lower-case word, so no naming strategy is needed, and
     * the error vocabulary stays free of the helpers that use it.
     */
    private static final Jsonb JSONB = JsonbBuilder.create();

    public static Response of(int status, String title, String detail, List<FieldError> errors) {
        var problem = new Problem("about:blank", title, status, detail,
                errors == null || errors.isEmpty() ? null : errors);
        return Response.status(status).type(MEDIA_TYPE).entity(JSONB.toJson(problem)).build();
    }

    /** "to_email: must be a valid address; priority: must be 1, 2 or 3" */
    static String summary(List<FieldError> errors) {
        var text = new StringBuilder();
        for (FieldError e : errors) {
            if (!text.isEmpty()) {
                text.append("; ");
            }
            text.append(e.field()).append(": ").append(e.message());
        }
        return text.toString();
    }
}
