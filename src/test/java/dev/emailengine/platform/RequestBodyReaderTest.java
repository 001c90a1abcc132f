package dev.emailengine.platform;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.emailengine.problems.control.InvalidInputException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestBodyReaderTest {

    private final RequestBodyReader reader = new RequestBodyReader(64L * 1024 * 1024);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void nestingPastTheLimitIsRefusedBeforeATreeIsBuilt() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> reader.parseObject(utf8("{\"a\": " + deep + "}")));
        assertEquals(400, e.status());
        assertEquals("body", e.errors().get(0).field());
        assertDoesNotThrow(() -> reader.parseObject(utf8("{\"a\": " + "[".repeat(31) + "]".repeat(31) + "}")),
                "32 levels including the outer object are allowed");
    }

    @Test
    void tooManyElementsAreRefusedWithA413() {
        String many = "{\"a\": [" + "0,".repeat(RequestBodyReader.MAX_ELEMENTS) + "0]}";
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> reader.parseObject(utf8(many)));
        assertEquals(413, e.status());
    }

    @Test
    void bracketsAndCommasInsideStringsDoNotCount() {
        String text = "[[[[,,,,\\\"]]]]".repeat(50_000);
        assertEquals("x", reader.parseObject(utf8("{\"a\": \"" + text + "\", \"b\": \"x\"}")).getString("b"));
    }
}
