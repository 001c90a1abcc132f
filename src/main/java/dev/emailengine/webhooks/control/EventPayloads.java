package dev.emailengine.webhooks.control;

import static dev.emailengine.platform.JsonConfiguration.JSON;

import dev.emailengine.webhooks.entity.EventType;
import dev.emailengine.webhooks.entity.WebhookEvent;
import jakarta.json.JsonObjectBuilder;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;

/**
 * An event's payload, {@code {"id", "type", "timestamp", "data": {...}}}, serialised once when
 * the event happens: the bytes stored are the bytes signed and sent on every attempt.
 */
public final class EventPayloads {

    private static final SecureRandom RANDOM = new SecureRandom();

    private EventPayloads() {
    }

    /** {@code msg_} and 24 random hex digits: the {@code webhook-id}, the same on every attempt. */
    public static String newId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "msg_" + HexFormat.of().formatHex(bytes);
    }

    public static JsonObjectBuilder data(String emailId) {
        JsonObjectBuilder data = JSON.createObjectBuilder();
        if (emailId == null) {
            data.addNull("email_id");
        } else {
            data.add("email_id", emailId);
        }
        return data;
    }

    public static void add(JsonObjectBuilder data, String name, String value) {
        if (value == null) {
            data.addNull(name);
        } else {
            data.add(name, value);
        }
    }

    public static void add(JsonObjectBuilder data, String name, List<String> values) {
        var array = JSON.createArrayBuilder();
        values.forEach(array::add);
        data.add(name, array);
    }

    public static WebhookEvent event(EventType type, Instant at, JsonObjectBuilder data) {
        String id = newId();
        Instant time = at.truncatedTo(ChronoUnit.MILLIS);
        var payload = JSON.createObjectBuilder().add("id", id).add("type", type.wireName())
                .add("timestamp", time.toString()).add("data", data).build();
        var bytes = new ByteArrayOutputStream();
        try (var writer = JSON.createWriter(bytes)) {
            writer.write(payload);
        }
        return new WebhookEvent(id, type.wireName(), time, bytes.toByteArray());
    }
}
