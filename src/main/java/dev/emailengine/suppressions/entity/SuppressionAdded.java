package dev.emailengine.suppressions.entity;

/**
 * An entry was put on the suppression list (by a hard bounce, an operator, or a one-click
 * unsubscribe), fired as a CDI event after it is stored: webhooks observe it.
 */
public record SuppressionAdded(Suppression entry) {
}
