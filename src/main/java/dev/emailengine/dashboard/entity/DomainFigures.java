package dev.emailengine.dashboard.entity;

import dev.emailengine.pacing.entity.RateLimitStatus;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What this instance's SMTP server said about one recipient domain since the instance started,
 * counted per recipient, and the domain's rate limit when it has one of its own.
 */
@Schema(name = "DashboardDomain")
public record DomainFigures(
        @Schema(description = "The recipient domain, lower case; (other) gathers domains past the table's size") String domain,
        long sent,
        long deferred,
        long throttled,
        long bounced,
        @Schema(description = "Refused for another reason (5.7.x policy, other 5xx)") long failed,
        @Schema(description = "The domain's own rate limit; absent when only the default applies") RateLimitStatus rateLimit) {
}
