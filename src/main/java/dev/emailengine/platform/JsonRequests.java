package dev.emailengine.platform;

import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import jakarta.json.JsonObject;
import jakarta.json.bind.Jsonb;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request body to a record: each value's type checked against the record (every mismatch
 * named), bound by JSON-B, then the record's Bean Validation constraints checked. What is wrong
 * is reported all at once, by JSON path ({@code recipients[1].to_email}, {@code headers.X-Tag}),
 * as one {@link InvalidInputException}: 400, or 413 for constraints marked {@link RequestTooLarge}.
 */
public class JsonRequests {

    /** A request with thousands of faults needs the first few, not a megabyte of errors. */
    static final int MAX_REPORTED_ERRORS = 100;

    private static final Pattern FIRST_INDEX = Pattern.compile("^(.*)\\[0\\](.*)$");

    private final Jsonb jsonb = JsonConfiguration.snakeCase();
    private final Validator validator;

    public JsonRequests(Validator validator) {
        this.validator = validator;
    }

    /** What binding found: the record (complete only when {@code errors} is empty). */
    public record Binding<T>(T value, List<FieldError> errors, boolean tooLarge) {

        public T orThrow() {
            throwIfInvalid(this);
            return value;
        }
    }

    public <T extends Record> T bind(JsonObject json, Class<T> type, Class<?>... groups) {
        return tryBind(json, type, groups).orThrow();
    }

    /** As {@link #bind}, but leaves the throwing to the caller, who may check more first. */
    public <T extends Record> Binding<T> tryBind(JsonObject json, Class<T> type, Class<?>... groups) {
        JsonTypeCheck.Result checked = JsonTypeCheck.check(json, type);
        T value = jsonb.fromJson(checked.json().toString(), type);
        var errors = new ArrayList<>(checked.errors());
        var violations = new ArrayList<FieldError>();
        boolean tooLarge = false;
        for (ConstraintViolation<T> violation : validator.validate(value, groups)) {
            String field = field(violation.getPropertyPath(), checked.singletonLists());
            // A value already reported as the wrong type is not also reported as missing.
            if (errors.stream().noneMatch(e -> e.field().equals(field) || e.field().startsWith(field + "[")
                    || e.field().startsWith(field + "."))) {
                boolean large = violation.getConstraintDescriptor().getPayload().contains(RequestTooLarge.class);
                if (large && !tooLarge) {
                    violations.clear();
                    tooLarge = true;
                }
                if (large || !tooLarge) {
                    violations.add(new FieldError(field, violation.getMessage()));
                }
            }
        }
        violations.sort(Comparator.comparing(FieldError::field, JsonRequests::naturalOrder));
        if (tooLarge) {
            return new Binding<>(value, violations, true);
        }
        errors.addAll(violations);
        return new Binding<>(value, errors, false);
    }

    /** The constraints of an object the application built itself (query parameters, say). */
    public static void validate(Validator validator, Object value) {
        var errors = new ArrayList<FieldError>();
        for (ConstraintViolation<Object> violation : validator.validate(value)) {
            errors.add(new FieldError(field(violation.getPropertyPath(), Set.of()), violation.getMessage()));
        }
        errors.sort(Comparator.comparing(FieldError::field, JsonRequests::naturalOrder));
        throwIfInvalid(new Binding<>(value, errors, false));
    }

    /** Throws for every error of every binding at once; a 413 wins over the 400s. */
    public static void throwIfInvalid(Binding<?>... bindings) {
        var errors = new LinkedHashSet<FieldError>();
        boolean tooLarge = false;
        for (Binding<?> binding : bindings) {
            if (binding.tooLarge() && !tooLarge) {
                errors.clear();
                tooLarge = true;
            }
            if (binding.tooLarge() || !tooLarge) {
                errors.addAll(binding.errors());
            }
        }
        if (!errors.isEmpty()) {
            List<FieldError> reported = errors.stream().limit(MAX_REPORTED_ERRORS).toList();
            throw tooLarge ? new InvalidInputException(413, "Request too large", reported)
                    : new InvalidInputException(400, "Invalid request", reported);
        }
    }

    /** The JSON path of a violation: snake_case properties, list indexes, map keys. */
    static String field(Path path, Set<String> singletonLists) {
        var field = new StringBuilder();
        for (Path.Node node : path) {
            if (node.isInIterable()) {
                if (node.getIndex() != null) {
                    field.append('[').append(node.getIndex()).append(']');
                } else if (node.getKey() != null) {
                    field.append('.').append(node.getKey());
                }
            }
            if (node.getKind() == ElementKind.PROPERTY) {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(JsonConfiguration.SNAKE_CASE.translateName(node.getName()));
            }
        }
        Matcher first = FIRST_INDEX.matcher(field);
        if (first.matches() && singletonLists.contains(first.group(1))) {
            return first.group(1) + first.group(2);
        }
        return field.toString();
    }

    /** recipients[2] before recipients[10]. */
    private static int naturalOrder(String a, String b) {
        Matcher na = DIGITS.matcher(a);
        Matcher nb = DIGITS.matcher(b);
        if (na.find() && nb.find() && a.substring(0, na.start()).equals(b.substring(0, nb.start()))) {
            int byNumber = Long.compare(Long.parseLong(na.group()), Long.parseLong(nb.group()));
            if (byNumber != 0) {
                return byNumber;
            }
        }
        return a.compareTo(b);
    }

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
}
