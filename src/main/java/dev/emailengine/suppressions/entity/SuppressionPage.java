package dev.emailengine.suppressions.entity;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code GET /suppressions}: one page; {@code next_cursor} asks for the next and is absent on the
 * last. A page may hold fewer entries than asked (a search on the file store reads a bounded
 * number of entries per request) and still have a next one.
 */
@Schema(name = "SuppressionPage")
public record SuppressionPage(List<Suppression> suppressions, int count,
        @Schema(description = "Pass as cursor for the next page; absent when there is none") String nextCursor) {

    public static SuppressionPage of(List<Suppression> suppressions, String nextCursor) {
        return new SuppressionPage(List.copyOf(suppressions), suppressions.size(), nextCursor);
    }
}
