/**
 * The durable queue: one JSON file per email under {@code DATA_DIR}, an in-memory index over it,
 * and the life cycle pending → processing → trash or dead letter. Owns everything on disk.
 */
package dev.emailengine.queue;
