package dev.emailengine.suppressions.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One address that is not mailed: why, since when, what put it there, and which mail it stops.
 *
 * @param address normalised: the domain in lower-case ASCII, the local part as given
 * @param emailId the email whose bounce added it; null for an entry an operator added
 * @param source {@value #BOUNCE}, {@value #OPERATOR} or {@value #UNSUBSCRIBE}
 * @param listId the one mailing list the entry stops; null: every email to the address
 */
@Schema(name = "Suppression")
public record Suppression(
        @Schema(example = "ada@example.com") String address,
        @Schema(example = "550 5.1.1 user unknown") String reason,
        @Schema(example = "bounce", description = "bounce (a 5.1.x reply), operator (POST /suppressions) or "
                + "unsubscribe (the recipient's one-click unsubscribe)")
        String source,
        @Schema(description = "The email whose hard bounce added the address") String emailId,
        Instant createdAt,
        @Schema(example = "newsletter", nullable = true, description = "The mailing list the entry stops "
                + "(emails naming that list_id); null: every email to the address")
        @JsonbNillable String listId) {

    public static final String BOUNCE = "bounce";
    public static final String OPERATOR = "operator";
    public static final String UNSUBSCRIBE = "unsubscribe";

    public boolean isGlobal() {
        return listId == null;
    }
}
