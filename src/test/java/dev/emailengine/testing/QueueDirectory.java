package dev.emailengine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** What the service has on disk, read from outside as an operator would ({@code it.data.dir}). */
public final class QueueDirectory {

    private final Path root = Path.of(System.getProperty("it.data.dir"));

    /** Ids of every email the service ever stored, wherever it is in its life cycle. */
    public Set<String> allIds() {
        var ids = new TreeSet<String>();
        for (String dir : new String[] {"queue", "trash", "dead_letter", "corrupt", "cancelled"}) {
            Path path = root.resolve(dir);
            if (!Files.isDirectory(path)) {
                continue;
            }
            try (Stream<Path> files = Files.list(path)) {
                files.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("batch_"))
                        .map(n -> n.substring(0, n.indexOf('.')))
                        .forEach(ids::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ids;
    }

    public Set<String> namesIn(String dir) {
        try (Stream<Path> files = Files.list(root.resolve(dir))) {
            return new TreeSet<>(files.map(p -> p.getFileName().toString()).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
