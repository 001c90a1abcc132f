package dev.emailengine.queue.entity;

/** One file attached to an email; the content stays base64 as the client sent it (already checked to decode). */
public record Attachment(String filename, String contentType, String contentBase64) {
}
