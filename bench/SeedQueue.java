import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Writes {@code count} pending emails straight into {@code <data-dir>/queue/} in the service's
 * file format (version 1), as if an earlier run had accepted them: the depth and recovery
 * figures start from here. Not fsync'd one by one; bench/run.sh runs sync afterwards.
 *
 * <p>Usage: {@code java bench/SeedQueue.java <data-dir> <count>}
 */
public class SeedQueue {

    public static void main(String[] args) throws Exception {
        Path queue = Files.createDirectories(Path.of(args[0], "queue"));
        int count = Integer.parseInt(args[1]);
        long base = Instant.now().minusSeconds(3600).toEpochMilli();
        for (int i = 0; i < count; i++) {
            String id = String.format("batch_%013d_%08x", base + i / 10, 0x10000000 + i);
            Instant at = Instant.ofEpochMilli(base + i / 10);
            String json = """
                    {"version":1,"id":"%s","priority":%d,"created_at":"%s","retry_count":0,"max_retries":3,\
                    "next_attempt_at":"%s","message":{"to_email":"seeded-%d@bench.test","subject":"seeded %d",\
                    "text_body":"An email an earlier run accepted."},"attempts":[]}"""
                    .formatted(id, i % 10 == 0 ? 1 : 2, at, at, i, i);
            Files.writeString(queue.resolve(id + ".json"), json);
        }
    }
}
