package dev.emailengine.suppressions.entity;

import java.util.regex.Pattern;

/**
 * Names of mailing lists ({@code list_id}): what an unsubscription is scoped to. Short and plain
 * so they travel in tokens, file keys and URLs without escaping.
 */
public final class ListIds {

    /** The list of a bulk that names none. */
    public static final String DEFAULT = "default";
    public static final int MAX_LENGTH = 64;
    public static final String PATTERN = "^[A-Za-z0-9._-]{1," + MAX_LENGTH + "}$";
    public static final String RULE = "must be 1 to " + MAX_LENGTH + " letters, digits, '.', '_' or '-'";
    private static final Pattern VALID = Pattern.compile(PATTERN);

    private ListIds() {
    }

    public static boolean isValid(String listId) {
        return listId != null && VALID.matcher(listId).matches();
    }
}
