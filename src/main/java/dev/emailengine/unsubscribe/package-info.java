/**
 * One-click unsubscribe (RFC 2369, RFC 8058): the signed links in the List-Unsubscribe headers
 * and {@code {{unsubscribe_url}}}, and the public endpoint they point to, which records an
 * unsubscription as a suppression scoped to the email's list.
 */
package dev.emailengine.unsubscribe;
