package dev.emailengine.queue.entity;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** {@code offset}/{@code limit} query parameters, the same rules on every paged endpoint. */
public record PageRequest(
        @Min(value = 0, message = "must not be negative") int offset,
        @Min(value = 1, message = LIMITS) @Max(value = MAX_LIMIT, message = LIMITS) int limit) {

    public static final int MAX_LIMIT = 1000;
    static final String LIMITS = "must be between 1 and " + MAX_LIMIT;
}
