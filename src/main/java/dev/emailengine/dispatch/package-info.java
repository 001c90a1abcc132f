/**
 * Delivery: worker tasks on the server's managed scheduled executor claim due emails, build MIME
 * messages and send them through the container's mail session on connections they keep open.
 */
package dev.emailengine.dispatch;
