package dev.emailengine.webhooks.entity;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /webhooks}. */
@Schema(name = "WebhookEndpointList")
public record EndpointList(List<EndpointView> webhooks, int count) {
}
