import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Seeds the file store's suppression list directly, for BENCH_ONLY=suppressions: COUNT entries
 * seed-<i>@seed.bench.test under DIR (DATA_DIR/suppressions), laid out as FileSuppressionStore
 * writes them (<2 hex>/<sha256 of the address>.json, 0700/0600), without an fsync per file (the
 * caller syncs once). Addresses are already normalised (lower-case ASCII domain).
 *
 *   java bench/SeedSuppressions.java DIR COUNT
 */
public class SeedSuppressions {

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        var directory = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        var file = PosixFilePermissions.fromString("rw-------");
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        for (int s = 0; s < 256; s++) {
            Path shard = root.resolve("%02x".formatted(s));
            if (!Files.isDirectory(shard)) {
                Files.createDirectory(shard, directory);
            }
        }
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        HexFormat hex = HexFormat.of();
        String at = Instant.now().toString();
        long started = System.nanoTime();
        for (int i = 1; i <= count; i++) {
            String address = "seed-" + i + "@seed.bench.test";
            String hash = hex.formatHex(sha256.digest(address.getBytes(StandardCharsets.UTF_8)));
            Path target = root.resolve(hash.substring(0, 2)).resolve(hash + ".json");
            Files.writeString(target, "{\"address\":\"" + address + "\",\"created_at\":\"" + at
                    + "\",\"reason\":\"seeded by the benchmark\",\"source\":\"operator\"}");
            Files.setPosixFilePermissions(target, file);
        }
        System.out.printf("%d entries in %.1f s%n", count, (System.nanoTime() - started) / 1e9);
    }
}
