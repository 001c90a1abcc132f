package dev.emailengine.pacing.entity;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One limit in {@code GET /workers/status}: {@code server} for {@code RATE_LIMIT}, or
 * {@code domain:<name>} for a recipient domain.
 */
public record RateLimitStatus(
        String key,
        @Schema(description = "As configured, for example 14/s,50000/d; empty while only throttling set the pace")
        String configured,
        @Schema(description = "The shortest window's rate as configured, recipients per second")
        double configuredPerSecond,
        @Schema(description = "The rate in force, recipients per second: below the configured one after throttling")
        double effectivePerSecond,
        @Schema(description = "How much of its fullest window is spoken for: 0 idle, 1 full (a per-second window: a second's recipients sent ahead; a longer one: its count sent within it); above 1 only after an email with more recipients than the window allows")
        double fullness,
        @Schema(description = "Milliseconds until the next recipient may go; 0 when one may go now")
        long waitMillis) {
}
