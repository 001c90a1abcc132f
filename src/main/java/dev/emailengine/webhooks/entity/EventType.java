package dev.emailengine.webhooks.entity;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What an event reports; {@link #wireName()} is its {@code type} in payloads and subscriptions. */
public enum EventType {
    SENT("email.sent"),
    DEFERRED("email.deferred"),
    BOUNCED("email.bounced"),
    DEAD_LETTERED("email.dead_lettered"),
    SUPPRESSED("email.suppressed"),
    UNSUBSCRIBED("email.unsubscribed"),
    CANCELLED("email.cancelled");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> of(String wireName) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(wireName)).findFirst();
    }

    public static List<String> allWireNames() {
        return Arrays.stream(values()).map(EventType::wireName).toList();
    }
}
