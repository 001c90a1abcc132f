/**
 * DKIM (RFC 6376): the keys each sending domain signs with, the signature added to every outgoing
 * message over the exact bytes handed to the transport, and the DNS records to publish.
 */
package dev.emailengine.dkim;
