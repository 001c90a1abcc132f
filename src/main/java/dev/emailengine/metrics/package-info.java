/**
 * The figures operators watch: MicroProfile Metrics (counters, timers, queue-depth gauges, per
 * worker) and the same figures as a JMX MXBean for admin consoles and JConsole.
 */
package dev.emailengine.metrics;
