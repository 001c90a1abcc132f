package dev.emailengine.dashboard.entity;

import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One point of the dashboard's series: the queue's depth at {@code at}, and what this instance
 * did in the interval that ended then. Latency percentiles are absent when nothing was sent;
 * the cluster figures are present on PostgreSQL only.
 */
@Schema(name = "DashboardSample")
public record Sample(
        Instant at,
        @Schema(description = "Seconds this sample covers") double seconds,
        @Schema(description = "Due now, waiting for a worker, never tried; null when the store did not answer") Integer queued,
        @Schema(description = "Due later (send_at in the future, or a rate limit's slot), never tried") Integer scheduled,
        @Schema(description = "Tried before, waiting for another attempt (due now or after its back-off)") Integer retrying,
        Integer processing,
        Long dead,
        @Schema(description = "The depth figures that stopped counting (PostgreSQL, at 100,000): at least that many;"
                + " absent when every figure is exact") List<String> capped,
        long accepted,
        long sent,
        @Schema(description = "Attempts that failed and will be retried") long deferred,
        @Schema(description = "Recipients the server slowed down (4.7.x, 421)") long throttled,
        @Schema(description = "Recipients refused for good (5.1.x)") long bounced,
        @Schema(description = "Emails given up") long deadLettered,
        long cancelled,
        @Schema(description = "Median SMTP send time of the emails sent in the interval, ms") Double latencyP50Ms,
        Double latencyP90Ms,
        Double latencyP99Ms,
        @Schema(description = "Emails every instance sent in the interval (PostgreSQL)") Long clusterSent,
        @Schema(description = "Emails every instance dead-lettered in the interval (PostgreSQL)") Long clusterDead) {
}
