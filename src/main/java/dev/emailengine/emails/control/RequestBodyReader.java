package dev.emailengine.emails.control;

import static dev.emailengine.JsonConfiguration.JSON;

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
 * rather than buffering whatever a client sends.
 */
public class RequestBodyReader {

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
