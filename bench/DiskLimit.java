import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.LongAdder;

/**
 * The disk's limit for durable small-file writes: {@code threads} writers each doing what one
 * durable enqueue needs (write a ~1 KB temp file, fdatasync it, rename it into place, fsync the
 * directory), without any sharing between writers. Prints operations per second.
 *
 * <p>With {@code nosync}, the same without any fsync: the rate at which the file system creates
 * and renames small files at all, the limit of work that is not one fsync per file (a bulk
 * enqueue, a delivery).
 *
 * <p>Usage: {@code java bench/DiskLimit.java <dir> <threads> <seconds> [nosync]}
 */
public class DiskLimit {

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        int threads = Integer.parseInt(args[1]);
        long nanos = (long) (Double.parseDouble(args[2]) * 1e9);
        boolean sync = args.length < 4 || !args[3].equals("nosync");
        byte[] content = new byte[1024];
        java.util.Arrays.fill(content, (byte) 'x');
        var done = new LongAdder();
        long end = System.nanoTime() + nanos;
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                long n = 0;
                try {
                    while (System.nanoTime() < end) {
                        Path temp = dir.resolve(".tmp-" + id + "-" + n);
                        try (var ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                            ch.write(ByteBuffer.wrap(content));
                            if (sync) {
                                ch.force(false);
                            }
                        }
                        Files.move(temp, dir.resolve("f-" + id + "-" + n + ".json"), StandardCopyOption.ATOMIC_MOVE);
                        if (sync) {
                            try (var d = FileChannel.open(dir, StandardOpenOption.READ)) {
                                d.force(true);
                            }
                        }
                        n++;
                        done.increment();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            workers[t].start();
        }
        long start = System.nanoTime();
        for (Thread w : workers) {
            w.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "%.0f%n", done.sum() / seconds);
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
    }
}
