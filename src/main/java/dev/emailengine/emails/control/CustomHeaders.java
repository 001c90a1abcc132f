package dev.emailengine.emails.control;

import dev.emailengine.problems.entity.FieldError;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The allowlist for client-supplied headers. Only headers that cannot change who receives the
 * message, who it claims to be from, or how it is parsed are allowed: {@code X-*} and the
 * list-management ones. Addresses have their own fields; MIME structure is ours. The values
 * were checked with the request (one line, a header's length).
 */
final class CustomHeaders {

    private static final Pattern X_HEADER = Pattern.compile("X-[A-Za-z0-9-]{1,74}", Pattern.CASE_INSENSITIVE);
    private static final Set<String> ALLOWED = Set.of("list-unsubscribe", "list-unsubscribe-post", "list-id",
            "list-help", "auto-submitted", "precedence", "in-reply-to", "references");
    private static final Map<String, String> HAS_OWN_FIELD = Map.of("reply-to", "reply_to", "cc", "cc", "bcc", "bcc",
            "to", "to_email", "subject", "subject", "from", "from_name", "sender", "from_name");
    private static final String ALLOWED_TEXT =
            "X-*, List-Unsubscribe, List-Unsubscribe-Post, List-Id, List-Help, Auto-Submitted, Precedence, "
                    + "In-Reply-To, References";

    private CustomHeaders() {
    }

    static Map<String, String> check(Map<String, String> headers, List<FieldError> errors) {
        var result = new LinkedHashMap<String, String>();
        var seen = new HashSet<String>();
        headers.forEach((name, value) -> {
            String field = "headers." + name;
            String lower = name.toLowerCase(Locale.ROOT);
            if (HAS_OWN_FIELD.containsKey(lower)) {
                errors.add(new FieldError(field, "is not allowed here; use the " + HAS_OWN_FIELD.get(lower) + " field"));
            } else if (!X_HEADER.matcher(name).matches() && !ALLOWED.contains(lower)) {
                errors.add(new FieldError(field, "is not an allowed header; allowed: " + ALLOWED_TEXT));
            } else if (!seen.add(lower)) {
                errors.add(new FieldError(field, "is given twice"));
            } else {
                result.put(name, value);
            }
        });
        return result;
    }
}
