package dev.emailengine.unsubscribe.entity;

/** Who asked to stop receiving which list, as a verified unsubscribe token says. */
public record Unsubscription(String address, String listId) {
}
