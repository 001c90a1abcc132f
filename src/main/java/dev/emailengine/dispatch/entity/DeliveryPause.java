package dev.emailengine.dispatch.entity;

/** The answer to pausing or resuming delivery. */
public record DeliveryPause(boolean paused, String message) {
}
