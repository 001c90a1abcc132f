/**
 * The figures operators watch: MicroProfile Metrics (counters, timers, queue-depth gauges, per
 * worker) and the same figures as a JMX MXBean for admin consoles and JConsole. Counts by
 * observing the {@code EmailEvent}s queue and dispatch fire; nothing calls into it.
 */
package dev.emailengine.metrics;
