/**
 * Pacing: the configured rate limits (per SMTP server, per recipient domain), the reservation a
 * worker makes before each send, and the additive-increase / multiplicative-decrease response to
 * throttling replies. Shared across instances through PostgreSQL, per instance on the file store.
 */
package dev.emailengine.pacing;
