/**
 * Health: the original's {@code GET /health} JSON (queue manager, template engine, email sender)
 * and the MicroProfile liveness and readiness checks, built on the same component checks.
 */
package dev.emailengine.health;
