package dev.emailengine.dispatch.entity;

/** {@code POST /process-batch}: what happened; request_id and outcome only when an email was due. */
public record BatchRun(String message, boolean processed, String requestId, String outcome) {
}
