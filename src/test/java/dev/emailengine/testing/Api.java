package dev.emailengine.testing;

import static org.awaitility.Awaitility.await;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A plain HTTP client for the black-box tests: what any client of the service would do. It sends
 * the API key the build configured the test servers with ({@code it.api.key}), unless told not to.
 */
public final class Api {

    public record Reply(int status, String contentType, String body, HttpHeaders headers) {
        public JsonObject json() {
            try (var reader = Json.createReader(new StringReader(body))) {
                return reader.readObject();
            }
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private final String[] authHeader;

    public Api(URL base) {
        this(URI.create(base.toString().endsWith("/") ? base.toString() : base + "/"),
                System.getProperty("it.api.key"));
    }

    private Api(URI base, String key) {
        this.base = base;
        this.authHeader = key == null || key.isEmpty() ? new String[0] : new String[] {"X-API-Key", key};
    }

    /** The same client presenting {@code key} instead (null: no key at all). */
    public Api withKey(String key) {
        return new Api(base, key);
    }

    public Reply post(String path, String json, String... headers) {
        return send(request(path, headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply put(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply delete(String path) {
        return send(request(path).DELETE());
    }

    public Reply get(String path, String... headers) {
        return send(request(path, headers).GET());
    }

    /**
     * Polls GET /email/{id} until the email is in {@code state}, and returns that answer; fails
     * after {@code atMost} showing the last answer.
     */
    public JsonObject awaitState(String id, String state, Duration atMost) {
        return await(id + " to reach state " + state).atMost(atMost).pollInterval(Duration.ofMillis(50))
                .until(() -> get("email/" + id),
                        reply -> reply.status() == 200 && state.equals(reply.json().getString("state")))
                .json();
    }

    /** Any method, any headers (given as name, value pairs, sent after the API key's). */
    public Reply call(String method, String path, String body, String... headers) {
        return send(request(path, headers).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpRequest.Builder request(String path, String... headers) {
        var builder = HttpRequest.newBuilder(base.resolve(path));
        if (authHeader.length > 0) {
            builder.header(authHeader[0], authHeader[1]);
        }
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return builder;
    }

    private static Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
