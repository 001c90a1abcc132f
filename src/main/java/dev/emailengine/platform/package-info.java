/**
 * Small helpers every component may use and that belong to none: durable file writes (temp,
 * fsync, rename, directory fsync) and their group-committed fsyncs, digests and text checks.
 * Depends on no other package of the application.
 */
package dev.emailengine.platform;
