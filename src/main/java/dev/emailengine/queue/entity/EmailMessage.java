package dev.emailengine.queue.entity;

/**
 * What is sent, fully rendered before it is queued so delivery never depends on templates or
 * on the request that produced it. A null part is absent: text only is text/plain, html only is
 * text/html, both make multipart/alternative.
 */
public record EmailMessage(String toEmail, String subject, String textBody, String htmlBody) {

    public boolean isMultipart() {
        return textBody != null && htmlBody != null;
    }
}
