/**
 * The suppression list: addresses never to mail again (hard bounces, complaints an operator
 * adds). Owns the list in both stores (files under {@code DATA_DIR/suppressions/}, or the queue's
 * PostgreSQL), its endpoints, and the lookup intake asks before queueing.
 */
package dev.emailengine.suppressions;
