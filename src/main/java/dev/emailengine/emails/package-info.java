/**
 * Accepting emails: the REST entry points, turning a client's JSON into a validated message, and
 * handing it to the queue. Owns the request contract, nothing on disk and nothing of SMTP.
 */
package dev.emailengine.emails;
