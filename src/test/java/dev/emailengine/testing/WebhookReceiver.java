package dev.emailengine.testing;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on 127.0.0.1 that checks every request as the Standard Webhooks
 * specification says a receiver must, with its own implementation (it shares no code with the
 * service): the {@code webhook-signature} header holds space-separated {@code v1,<base64>}
 * signatures, any one of which must equal HMAC-SHA256 keyed with the base64-decoded secret after
 * {@code whsec_}, over {@code webhook-id + "." + webhook-timestamp + "." + body}; the timestamp
 * must be within five minutes. It answers {@link #status} to every request, and can be stopped
 * and started again on the same port (a receiver that is down).
 */
public final class WebhookReceiver implements AutoCloseable {

    /**
     * One request.
     *
     * @param verifiedBy the secrets (of those given to the receiver) that one of its signatures verifies with
     */
    public record Request(String id, long timestamp, List<String> signatures, JsonObject payload, Set<String> verifiedBy,
            Instant at, int answered) {

        public String type() {
            return payload.getString("type");
        }

        public JsonObject data() {
            return payload.getJsonObject("data");
        }
    }

    private final int port;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Set<String> secrets = new CopyOnWriteArraySet<>();
    private volatile int status = 204;
    private volatile HttpServer server;

    public WebhookReceiver() throws IOException {
        this.port = FreePorts.any();
        start();
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/hooks/email";
    }

    /** Secrets to verify signatures with; a request verified by none of them is recorded but refused (401). */
    public void trust(String secret) {
        secrets.add(secret);
    }

    public void answer(int status) {
        this.status = status;
    }

    public synchronized void start() throws IOException {
        HttpServer started = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        started.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                var headers = exchange.getRequestHeaders();
                String id = headers.getFirst("webhook-id");
                String timestampText = headers.getFirst("webhook-timestamp");
                String signature = headers.getFirst("webhook-signature");
                long timestamp = timestampText == null ? -1 : Long.parseLong(timestampText);
                List<String> signatures = signature == null ? List.of() : List.of(signature.split(" "));
                Set<String> verifiedBy = secrets.stream()
                        .filter(secret -> verifies(secret, id, timestamp, body, signatures)).collect(Collectors.toSet());
                boolean fresh = Math.abs(Instant.now().getEpochSecond() - timestamp) <= 300;
                int answer = verifiedBy.isEmpty() || !fresh ? 401 : status;
                JsonObject payload;
                try (var reader = Json.createReader(new ByteArrayInputStream(body))) {
                    payload = reader.readObject();
                }
                requests.add(new Request(id, timestamp, signatures, payload, verifiedBy, Instant.now(), answer));
                exchange.sendResponseHeaders(answer, -1);
            }
        });
        started.start();
        server = started;
    }

    /** Down: nothing listens on the port until {@link #start()}. */
    public synchronized void stop() {
        server.stop(0);
    }

    /** Every request so far, in arrival order. */
    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** The requests it answered with 2xx: the events it took. */
    public List<Request> taken() {
        return requests.stream().filter(r -> r.answered() / 100 == 2).toList();
    }

    static boolean verifies(String secret, String id, long timestamp, byte[] body, List<String> signatures) {
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] content = (id + "." + timestamp + "." + new String(body, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
            byte[] expected = mac.doFinal(content);
            for (String versioned : signatures) {
                int comma = versioned.indexOf(',');
                if (comma > 0 && versioned.substring(0, comma).equals("v1")
                        && MessageDigest.isEqual(expected, Base64.getDecoder().decode(versioned.substring(comma + 1)))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
