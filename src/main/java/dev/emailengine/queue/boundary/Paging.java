package dev.emailengine.queue.boundary;

import dev.emailengine.problems.control.InvalidInputException;

/** {@code limit}/{@code offset} query parameters, checked the same way on every paged endpoint. */
final class Paging {

    static final int MAX_LIMIT = 1000;

    private Paging() {
    }

    static void check(int offset, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw InvalidInputException.badRequest("limit", "must be between 1 and " + MAX_LIMIT);
        }
        if (offset < 0) {
            throw InvalidInputException.badRequest("offset", "must not be negative");
        }
    }
}
