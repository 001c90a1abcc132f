package dev.emailengine.suppressions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SuppressionQueryTest {

    @Test
    void defaultsAndTrimming() {
        assertEquals(new SuppressionQuery(null, null, null, 100), SuppressionQuery.of(null, null, null));
        assertEquals(new SuppressionQuery(null, null, null, 100), SuppressionQuery.of("  ", "", ""));
        assertEquals(new SuppressionQuery("ex%am_ple", null, "abc", 1000), SuppressionQuery.of(" ex%am_ple ", "abc", "1000"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1001", "ten", "1e3", "99999999999999999999"})
    void aLimitOutsideOneToAThousandIsRefusedByName(String limit) {
        var refused = assertThrows(InvalidInputException.class, () -> SuppressionQuery.of(null, null, limit));
        assertEquals(400, refused.status());
        assertEquals(List.of("limit"), refused.errors().stream().map(FieldError::field).toList());
    }

    @Test
    void everyBadParameterIsNamedAtOnce() {
        var refused = assertThrows(InvalidInputException.class,
                () -> SuppressionQuery.of("a\u0000b", "c".repeat(1001), "0"));
        assertEquals(List.of("search", "cursor", "limit"), refused.errors().stream().map(FieldError::field).toList());
        assertEquals("search", assertThrows(InvalidInputException.class,
                () -> SuppressionQuery.of("s".repeat(321), null, null)).errors().get(0).field());
    }

    @Test
    void aListFilterIsAListIdOrRefusedByName() {
        assertEquals(new SuppressionQuery(null, "news.letter_2-b", null, 100),
                SuppressionQuery.of(null, "news.letter_2-b", null, null));
        assertEquals(new SuppressionQuery(null, null, null, 100), SuppressionQuery.of(null, "", null, null));
        for (String bad : List.of("a b", "x".repeat(65), "news/../x", "caf\u00e9", "a%")) {
            assertEquals(List.of("list_id"), assertThrows(InvalidInputException.class,
                    () -> SuppressionQuery.of(null, bad, null, null)).errors().stream().map(FieldError::field).toList(), bad);
        }
    }
}
