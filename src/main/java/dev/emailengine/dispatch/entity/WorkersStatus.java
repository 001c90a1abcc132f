package dev.emailengine.dispatch.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import java.time.Instant;
import java.util.List;

/** {@code GET /workers/status}: the original's shape, plus pause and the SMTP circuit. */
public record WorkersStatus(boolean autoProcessingEnabled, String workerPoolStatus, boolean paused, Smtp smtp,
        Pool status) {

    /** The SMTP circuit; cause, last_error and next_probe_at only while they mean something. */
    public record Smtp(String state, String cause, String lastError, Instant nextProbeAt) {
    }

    public record Pool(int totalWorkers, int activeWorkers, List<WorkerState> workers) {
    }

    /** {@code current_batch} is null, and present, while the worker is idle, as the original's was. */
    public record WorkerState(String workerId, boolean running, long emailsSent, long emailsFailed, double avgLatencyMs,
            @JsonbNillable String currentBatch) {
    }
}
