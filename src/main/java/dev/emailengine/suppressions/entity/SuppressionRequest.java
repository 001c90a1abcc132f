package dev.emailengine.suppressions.entity;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /suppressions}: an address an operator wants never mailed (a complaint, say), or
 * never sent one mailing list's mail.
 */
@Schema(name = "SuppressionRequest")
public record SuppressionRequest(
        @Schema(example = "ada@example.com", description = "One address; a malformed one is a 422")
        @NotBlank(message = "is required") String address,
        @Schema(example = "complaint", description = "Why; shown to clients whose emails it refuses")
        @Size(max = MAX_REASON, message = "is longer than {max} characters") String reason,
        @Schema(example = "newsletter", pattern = ListIds.PATTERN,
                description = "Stop only mail naming this list_id; absent: stop every email to the address")
        @Pattern(regexp = ListIds.PATTERN, message = ListIds.RULE) String listId) {

    public static final int MAX_REASON = 1000;
}
