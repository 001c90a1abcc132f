package dev.emailengine.webhooks.entity;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /webhooks/{id}/deliveries}: the most recent attempts first. */
@Schema(name = "WebhookDeliveries")
public record DeliveryList(String webhookId, List<DeliveryAttempt> deliveries) {
}
