/**
 * Delivery event webhooks: endpoints registered over the API, a durable outbox of signed events
 * (Standard Webhooks) fed by the email and suppression events, and the delivery that retries
 * them for about three days. Kept in the queue's store: files, or the shared PostgreSQL.
 */
package dev.emailengine.webhooks;
