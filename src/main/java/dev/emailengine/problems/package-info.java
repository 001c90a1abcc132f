/**
 * Error responses: every failure leaves the API as RFC 9457 problem details; unexpected ones get
 * an incident id in the response and a stack trace only in the log.
 */
package dev.emailengine.problems;
