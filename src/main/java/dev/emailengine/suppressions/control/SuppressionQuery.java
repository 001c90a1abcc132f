package dev.emailengine.suppressions.control;

import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.suppressions.entity.ListIds;
import java.util.ArrayList;
import java.util.List;

/**
 * The query parameters of {@code GET /suppressions}, read as text so that a limit that is not a
 * number is a 400 naming it (JAX-RS answers 404 to a parameter it cannot convert).
 */
public record SuppressionQuery(String search, String listId, String cursor, int limit) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    static final int MAX_SEARCH = Addresses.MAX_LENGTH;
    static final int MAX_CURSOR = 1000;

    /** Every parameter at fault reported at once. */
    public static SuppressionQuery of(String search, String cursor, String limit) {
        return of(search, null, cursor, limit);
    }

    /** @param listId only entries scoped to this list; null or empty: entries of every scope */
    public static SuppressionQuery of(String search, String listId, String cursor, String limit) {
        var errors = new ArrayList<FieldError>();
        String needle = search == null || search.isBlank() ? null : search.strip();
        if (needle != null && needle.length() > MAX_SEARCH) {
            errors.add(new FieldError("search", "is longer than " + MAX_SEARCH + " characters"));
        } else if (needle != null && needle.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("search", "must not contain control characters"));
        }
        String list = listId == null || listId.isEmpty() ? null : listId;
        if (list != null && !ListIds.isValid(list)) {
            errors.add(new FieldError("list_id", ListIds.RULE));
        }
        String after = cursor == null || cursor.isEmpty() ? null : cursor;
        if (after != null && after.length() > MAX_CURSOR) {
            errors.add(new FieldError("cursor", "is not a cursor this service handed out"));
        }
        int size = DEFAULT_LIMIT;
        if (limit != null && !limit.isEmpty()) {
            try {
                size = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 1 || size > MAX_LIMIT) {
                errors.add(new FieldError("limit", "must be a whole number between 1 and " + MAX_LIMIT));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(400, "Invalid request", List.copyOf(errors));
        }
        return new SuppressionQuery(needle, list, after, size);
    }
}
