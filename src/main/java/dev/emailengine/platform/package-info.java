/**
 * What every component may use and none owns: the JSON-B configuration, reading a request body
 * within limits, binding it to a record and checking its Bean Validation constraints, the
 * constraints more than one component needs, durable file writes (temp, fsync, rename, directory
 * fsync) with group-committed fsyncs, digests, and the one spelling of a mailbox
 * ({@link dev.emailengine.platform.Mailboxes}) the queue, delivery and the suppression list match
 * addresses by. Depends on no business component.
 */
package dev.emailengine.platform;
