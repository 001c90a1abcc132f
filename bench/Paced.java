import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Idle latency, client side: {@code count} POST /email requests, one every {@code gapMillis},
 * each printing "request_id micros-when-sent micros-when-the-200-arrived" (epoch). The SMTP side's times come from
 * the sink's dump files; bench/run.sh joins the two.
 *
 * <p>Usage: {@code java bench/Paced.java <base-url> <count> <gapMillis>}
 */
public class Paced {

    public static void main(String[] args) throws Exception {
        URI email = URI.create(args[0] + "/email");
        int count = Integer.parseInt(args[1]);
        long gap = Long.parseLong(args[2]);
        HttpClient http = HttpClient.newHttpClient();
        Pattern id = Pattern.compile("\"request_id\":\"([^\"]+)\"");
        for (int i = 0; i < count; i++) {
            long next = System.nanoTime() + gap * 1_000_000;
            HttpRequest request = HttpRequest.newBuilder(email).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"to_email\":\"paced@bench.test\",\"subject\":\"paced " + i + "\",\"body\":\"x\"}"))
                    .timeout(Duration.ofSeconds(30)).build();
            Instant sent = Instant.now();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Instant at = Instant.now();
            var m = id.matcher(response.body());
            if (response.statusCode() != 200 || !m.find()) {
                throw new IllegalStateException("request " + i + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            System.out.println(m.group(1) + " " + micros(sent) + " " + micros(at));
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }

    private static long micros(Instant at) {
        return at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000;
    }
}
