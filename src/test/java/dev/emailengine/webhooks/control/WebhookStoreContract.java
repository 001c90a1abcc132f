package dev.emailengine.webhooks.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.webhooks.entity.Delivery;
import dev.emailengine.webhooks.entity.DeliveryAttempt;
import dev.emailengine.webhooks.entity.WebhookEndpoint;
import dev.emailengine.webhooks.entity.WebhookEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every {@link WebhookStore} promises, seen through the interface alone. Each store's test
 * class says how to open it (again on the same storage, as a restart does).
 */
abstract class WebhookStoreContract {

    static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
    static final Duration LEASE = Duration.ofSeconds(60);

    /** Opens the store on this test's storage, empty at a test's first call; a second call is a restart. */
    abstract WebhookStore open();

    static WebhookEndpoint endpoint(String id, List<String> events) {
        return new WebhookEndpoint(id, "https://hooks.example.com/" + id, events, "whsec_c2VjcmV0LWtleS1vZi0yNC1ieXRlcyE=",
                null, null, false, AT);
    }

    static WebhookEvent event(String id) {
        return new WebhookEvent(id, "email.sent", AT, ("{\"type\":\"email.sent\",\"id\":\"" + id + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    static DeliveryAttempt attempt(Delivery delivery, Integer status, String outcome, Instant at) {
        return new DeliveryAttempt(delivery.event().id(), delivery.event().type(), delivery.attempts() + 1, status,
                status != null && status < 300 ? null : "HTTP " + status, outcome, at);
    }

    @Test
    void endpointsAreStoredChangedAndRemovedDurably() {
        WebhookStore store = open();
        assertTrue(store.addEndpoint(endpoint("ep_a", List.of()), 10));
        assertTrue(store.addEndpoint(endpoint("ep_b", List.of("email.sent", "email.bounced")), 10));

        WebhookEndpoint rotated = store.endpoint("ep_a").orElseThrow().rotated("whsec_bmV3", AT.plusSeconds(86_400));
        assertTrue(store.updateEndpoint(rotated));
        assertTrue(store.updateEndpoint(store.endpoint("ep_b").orElseThrow().withDisabled(true)));

        WebhookStore reopened = open();
        assertEquals(List.of("ep_a", "ep_b"), reopened.endpoints().stream().map(WebhookEndpoint::id).toList());
        assertEquals(rotated, reopened.endpoint("ep_a").orElseThrow());
        assertTrue(reopened.endpoint("ep_b").orElseThrow().disabled());
        assertEquals(List.of("email.sent", "email.bounced"), reopened.endpoint("ep_b").orElseThrow().events());

        assertTrue(reopened.removeEndpoint("ep_a"));
        assertFalse(reopened.removeEndpoint("ep_a"));
        assertEquals(Optional.empty(), open().endpoint("ep_a"));
        assertFalse(open().updateEndpoint(rotated), "a removed endpoint is not brought back");
    }

    @Test
    void noMoreEndpointsThanTheLimit() {
        WebhookStore store = open();
        assertTrue(store.addEndpoint(endpoint("ep_1", List.of()), 2));
        assertTrue(store.addEndpoint(endpoint("ep_2", List.of()), 2));
        assertFalse(store.addEndpoint(endpoint("ep_3", List.of()), 2));
        assertEquals(2, open().endpoints().size());
    }

    @Test
    void aRecordedEventIsOwedToEachEndpointWithItsPayloadBytes() {
        WebhookStore store = open();
        store.addEndpoint(endpoint("ep_a", List.of()), 10);
        store.addEndpoint(endpoint("ep_b", List.of()), 10);
        WebhookEvent event = event("msg_1");
        store.record(event, List.of("ep_a", "ep_b"), AT);

        assertEquals(List.of(), store.claim(AT.minusSeconds(1), 10, LEASE), "not due yet");
        List<Delivery> claimed = open().claim(AT, 10, LEASE);
        assertEquals(List.of("ep_a", "ep_b"), claimed.stream().map(Delivery::endpointId).sorted().toList());
        for (Delivery delivery : claimed) {
            assertEquals("msg_1", delivery.event().id());
            assertEquals("email.sent", delivery.event().type());
            assertEquals(AT, delivery.event().createdAt());
            assertArrayEquals(event.payload(), delivery.event().payload());
            assertEquals(0, delivery.attempts());
        }
    }

    @Test
    void aClaimedDeliveryIsNobodyElsesUntilItsLeaseEnds() {
        WebhookStore store = open();
        store.addEndpoint(endpoint("ep_a", List.of()), 10);
        store.record(event("msg_1"), List.of("ep_a"), AT);

        assertEquals(1, store.claim(AT, 10, LEASE).size());
        assertEquals(0, store.claim(AT.plusSeconds(1), 10, LEASE).size());
        assertEquals(1, store.claim(AT.plus(LEASE).plusSeconds(1), 10, LEASE).size(), "due again: at least once");
    }

    @Test
    void aFailedAttemptMakesItDueLaterAndASuccessFinishesIt() {
        WebhookStore store = open();
        store.addEndpoint(endpoint("ep_a", List.of()), 10);
        store.record(event("msg_1"), List.of("ep_a"), AT);

        Delivery first = store.claim(AT, 10, LEASE).get(0);
        store.attempted(first, attempt(first, 503, DeliveryAttempt.RETRYING, AT), AT.plusSeconds(300));
        assertEquals(List.of(), store.claim(AT.plusSeconds(299), 10, LEASE));
        store = open();
        Delivery second = store.claim(AT.plusSeconds(300), 10, LEASE).get(0);
        assertEquals(1, second.attempts());
        store.attempted(second, attempt(second, 204, DeliveryAttempt.DELIVERED, AT.plusSeconds(301)), null);
        assertEquals(List.of(), store.claim(AT.plus(Duration.ofDays(10)), 10, LEASE), "finished");

        List<DeliveryAttempt> attempts = open().attempts("ep_a", 10);
        assertEquals(2, attempts.size());
        assertEquals(204, attempts.get(0).statusCode());
        assertEquals(2, attempts.get(0).attempt());
        assertEquals(DeliveryAttempt.DELIVERED, attempts.get(0).outcome());
        assertEquals(503, attempts.get(1).statusCode());
        assertEquals("HTTP 503", attempts.get(1).error());
        assertEquals(AT, attempts.get(1).at());
        assertEquals(List.of(), open().attempts("ep_other", 10));
    }

    @Test
    void aFinishedEventCanBeReplayed() {
        WebhookStore store = open();
        store.addEndpoint(endpoint("ep_a", List.of()), 10);
        WebhookEvent event = event("msg_1");
        store.record(event, List.of("ep_a"), AT);
        Delivery delivery = store.claim(AT, 10, LEASE).get(0);
        store.attempted(delivery, attempt(delivery, 200, DeliveryAttempt.DELIVERED, AT), null);

        assertFalse(store.replay("ep_a", "msg_unknown", AT.plusSeconds(5)));
        assertFalse(store.replay("ep_b", "msg_1", AT.plusSeconds(5)));
        assertTrue(store.replay("ep_a", "msg_1", AT.plusSeconds(5)));
        List<Delivery> again = open().claim(AT.plusSeconds(5), 10, LEASE);
        assertEquals(1, again.size());
        assertArrayEquals(event.payload(), again.get(0).event().payload());
    }

    @Test
    void removingAnEndpointDropsWhatItWasOwed() {
        WebhookStore store = open();
        store.addEndpoint(endpoint("ep_a", List.of()), 10);
        store.addEndpoint(endpoint("ep_b", List.of()), 10);
        store.record(event("msg_1"), List.of("ep_a", "ep_b"), AT);
        assertTrue(store.removeEndpoint("ep_a"));
        assertEquals(List.of("ep_b"), open().claim(AT, 10, LEASE).stream().map(Delivery::endpointId).toList());
    }

    @Test
    void finishedDeliveriesArePurged() {
        WebhookStore store = open();
        store.addEndpoint(endpoint("ep_a", List.of()), 10);
        store.record(event("msg_1"), List.of("ep_a"), AT);
        store.record(event("msg_2"), List.of("ep_a"), AT);
        Delivery delivery = store.claim(AT, 1, LEASE).get(0);
        store.attempted(delivery, attempt(delivery, 200, DeliveryAttempt.DELIVERED, AT), null);

        assertEquals(1, store.purgeFinished(Instant.now().plusSeconds(60)));
        assertFalse(store.replay("ep_a", delivery.event().id(), AT), "gone");
        assertEquals(1, store.claim(AT, 10, LEASE).size(), "the owed one stays");
    }
}
