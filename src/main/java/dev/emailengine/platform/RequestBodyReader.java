package dev.emailengine.platform;

import static dev.emailengine.platform.JsonConfiguration.JSON;

import dev.emailengine.problems.control.InvalidInputException;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.stream.JsonParsingException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a JSON request body without trusting its size: stops at the limit and answers 413
 * rather than buffering whatever a client sends. Before a tree is built, one pass over the bytes
 * checks nesting depth and element count: a 16 MB body of {@code [0,0,0,...]} would otherwise
 * become millions of objects, and {@code [[[[...} a stack overflow.
 */
public class RequestBodyReader {

    /** No request of this API nests deeper than a handful of levels. */
    static final int MAX_DEPTH = 32;
    /** Values and members in one request; a full bulk of 1,000 recipients with 50 variables each fits. */
    static final int MAX_ELEMENTS = 200_000;

    private final long maxBytes;

    public RequestBodyReader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public JsonObject readObject(InputStream in) {
        return parseObject(read(in));
    }

    /** The raw bytes, at most the limit (413 beyond it). */
    public byte[] read(InputStream in) {
        return readBounded(in);
    }

    public JsonObject parseObject(byte[] bytes) {
        if (bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            throw InvalidInputException.badRequest("body", "the request body is empty; send a JSON object");
        }
        checkShape(bytes);
        JsonStructure parsed;
        try (var reader = JSON.createReader(new ByteArrayInputStream(bytes))) {
            parsed = reader.read();
        } catch (JsonParsingException e) {
            var at = e.getLocation();
            throw InvalidInputException.badRequest("body", "malformed JSON"
                    + (at == null ? "" : " at line " + at.getLineNumber() + ", column " + at.getColumnNumber()));
        } catch (JsonException e) {
            throw InvalidInputException.badRequest("body", "malformed JSON");
        }
        if (!(parsed instanceof JsonObject object)) {
            throw InvalidInputException.badRequest("body", "expected a JSON object");
        }
        return object;
    }

    /** Depth and element count, counted outside strings; what is not JSON is left to the parser. */
    static void checkShape(byte[] bytes) {
        int depth = 0;
        int elements = 0;
        boolean inString = false;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
                continue;
            }
            switch (b) {
                case '"' -> inString = true;
                case '{', '[' -> {
                    if (++depth > MAX_DEPTH) {
                        throw InvalidInputException.badRequest("body", "JSON nested deeper than " + MAX_DEPTH + " levels");
                    }
                    elements++;
                }
                case '}', ']' -> depth--;
                case ',' -> elements++;
                default -> {
                    continue;
                }
            }
            if (elements > MAX_ELEMENTS) {
                throw InvalidInputException.tooLarge("body", "the JSON has more than " + MAX_ELEMENTS + " elements");
            }
        }
    }

    private byte[] readBounded(InputStream in) {
        try {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw InvalidInputException.tooLarge("body", "the request is larger than " + maxBytes + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the request body", e);
        }
    }
}
