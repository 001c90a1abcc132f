package dev.emailengine.suppressions.entity;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One address that is not mailed: why, since when, and what put it there.
 *
 * @param address normalised: the domain in lower-case ASCII, the local part as given
 * @param emailId the email whose bounce added it; null for an entry an operator added
 * @param source {@value #BOUNCE} or {@value #OPERATOR}
 */
@Schema(name = "Suppression")
public record Suppression(
        @Schema(example = "ada@example.com") String address,
        @Schema(example = "550 5.1.1 user unknown") String reason,
        @Schema(example = "bounce", description = "bounce (a 5.1.x reply) or operator (POST /suppressions)")
        String source,
        @Schema(description = "The email whose hard bounce added the address") String emailId,
        Instant createdAt) {

    public static final String BOUNCE = "bounce";
    public static final String OPERATOR = "operator";
}
