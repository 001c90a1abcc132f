package dev.emailengine.dispatch.entity;

import dev.emailengine.pacing.entity.RateLimitStatus;
import jakarta.json.bind.annotation.JsonbNillable;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /workers/status}: the original's shape, plus pause, the SMTP circuit and the rate limits. */
public record WorkersStatus(
        boolean autoProcessingEnabled,
        @Schema(enumeration = {"running", "disabled"}) String workerPoolStatus,
        boolean paused,
        Smtp smtp,
        Pool status,
        @Schema(description = "Every rate limit in force and how full it is; empty without limits")
        List<RateLimitStatus> rateLimits) {

    /** The SMTP circuit; cause, last_error and next_probe_at only while they mean something. */
    public record Smtp(@Schema(enumeration = {"closed", "open", "probing"}) String state,
            @Schema(enumeration = {"outage", "throttling"}, description = "While not closed: why delivery is held")
            String cause,
            String lastError,
            Instant nextProbeAt) {
    }

    public record Pool(int totalWorkers, int activeWorkers, List<WorkerState> workers) {
    }

    /** {@code current_batch} is null, and present, while the worker is idle, as the original's was. */
    public record WorkerState(String workerId, boolean running, long emailsSent, long emailsFailed, double avgLatencyMs,
            @JsonbNillable String currentBatch) {
    }
}
