package dev.emailengine.platform;

import jakarta.validation.Payload;

/**
 * Marks a size constraint whose violation is a 413 rather than a 400: the request is well formed
 * but more than the service takes at once (a bulk of too many recipients).
 */
public interface RequestTooLarge extends Payload {
}
