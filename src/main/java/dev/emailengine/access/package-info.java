/**
 * Who may call the API: API keys from {@code API_KEYS}, checked on every request except health,
 * and the rule that a service without keys listens on loopback only.
 */
package dev.emailengine.access;
