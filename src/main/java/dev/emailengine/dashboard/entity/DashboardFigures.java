package dev.emailengine.dashboard.entity;

import dev.emailengine.queue.entity.ClusterActivity;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /dashboard/figures}: the series since {@code since} (or the whole hour) and the domain table. */
@Schema(name = "DashboardFigures")
public record DashboardFigures(
        Instant at,
        @Schema(enumeration = {"file", "postgresql"}) String store,
        @Schema(description = "Seconds between samples") int intervalSeconds,
        List<Sample> samples,
        List<DomainFigures> domains,
        @Schema(description = "The instances sharing the queue, as the last sample found them (PostgreSQL only)") ClusterActivity cluster) {
}
