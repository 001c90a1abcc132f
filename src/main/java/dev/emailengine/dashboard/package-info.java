/**
 * The operations dashboard at {@code /dashboard}: a static page (public) over authenticated JSON.
 * Owns the last hour of figures, a ring of samples taken every few seconds from counters fed by
 * {@code EmailEvent}s and from the queue's cheap depth counts; its actions call the API that exists.
 */
package dev.emailengine.dashboard;
