package dev.emailengine.dispatch.entity;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /process-batch}: what happened; request_id and outcome only when an email was due. */
@Schema(name = "ProcessBatch")
public record BatchRun(String message, boolean processed, String requestId,
        @Schema(enumeration = {"sent", "retry_scheduled", "dead_lettered", "deferred_by_outage", "deferred_by_throttling",
                "throttled"})
        String outcome) {
}
