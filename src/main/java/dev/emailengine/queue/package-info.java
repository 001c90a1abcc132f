/**
 * The durable queue: the life cycle pending → processing → sent or dead letter (and cancelled),
 * behind the {@code QueueStore} seam. The file store keeps one JSON file per email under
 * {@code DATA_DIR} with an in-memory index over it, and owns everything it writes there,
 * idempotency records included.
 */
package dev.emailengine.queue;
