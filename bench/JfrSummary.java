import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a request's time goes, from a JFR recording: CPU samples grouped by layer (the engine,
 * Grizzly, Jersey, Weld, EJB, JSON, logging, file I/O, ...), by the code that asked for them, and
 * by method; plus threads blocked in native code, allocation and GC. bench/run.sh writes its output
 * to target/bench/profile.txt; bench/RESULTS.md's "where the time goes" is read from it.
 *
 *   java bench/JfrSummary.java recording.jfr [requests]
 *
 * Layers are told apart by class-name prefix. A JDK frame (java.*, sun.*, jdk.*) is charged twice:
 * to its own kind (file I/O, sockets, locks, ...) as the frame on top, and to the innermost
 * non-JDK frame below it, the code that asked for that work.
 */
public class JfrSummary {

    private static final int TOP = 25;

    /** Prefix -> layer, first match wins; order matters (generated proxies before their package). */
    private static final String[][] LAYERS = {
        {"$Proxy$_$$_Weld", "CDI (Weld proxies)"},
        {"__EJB31_Generated__", "EJB container"},
        {"dev.emailengine.", "engine (dev.emailengine)"},
        {"org.glassfish.grizzly.", "HTTP (Grizzly)"},
        {"org.glassfish.jersey.", "JAX-RS (Jersey)"},
        {"org.jboss.weld.", "CDI (Weld)"},
        {"org.glassfish.hk2.", "HK2"},
        {"org.jvnet.hk2.", "HK2"},
        {"com.sun.ejb.", "EJB container"},
        {"org.glassfish.ejb.", "EJB container"},
        {"com.sun.enterprise.container.common.", "EJB container"},
        {"org.hibernate.validator.", "Bean Validation"},
        {"jakarta.validation.", "Bean Validation"},
        {"org.eclipse.yasson.", "JSON (Yasson/Parsson)"},
        {"org.eclipse.parsson.", "JSON (Yasson/Parsson)"},
        {"org.glassfish.json.", "JSON (Yasson/Parsson)"},
        {"jakarta.json.", "JSON (Yasson/Parsson)"},
        {"java.util.logging.", "logging"},
        {"com.sun.enterprise.server.logging.", "logging"},
        {"fish.payara.logging.", "logging"},
        {"fish.payara.enterprise.server.logging.", "logging"},
        {"org.glassfish.main.jul.", "logging"},
        {"org.apache.catalina.", "Servlet (Catalina)"},
        {"org.apache.coyote.", "Servlet (Catalina)"},
        {"com.sun.enterprise.web.", "Servlet (Catalina)"},
        {"org.glassfish.web.", "Servlet (Catalina)"},
        {"org.glassfish.wasp.", "Servlet (Catalina)"},
        {"io.smallrye.", "MicroProfile"},
        {"fish.payara.microprofile.", "MicroProfile"},
        {"org.eclipse.microprofile.", "MicroProfile"},
        {"fish.payara.", "Payara/GlassFish, other"},
        {"com.sun.enterprise.", "Payara/GlassFish, other"},
        {"org.glassfish.", "Payara/GlassFish, other"},
        {"sun.nio.fs.", "file I/O (JDK)"},
        {"java.nio.file.", "file I/O (JDK)"},
        {"sun.nio.ch.FileChannelImpl", "file I/O (JDK)"},
        {"sun.nio.ch.FileDispatcherImpl", "file I/O (JDK)"},
        {"java.io.File", "file I/O (JDK)"},
        {"java.io.RandomAccessFile", "file I/O (JDK)"},
        {"sun.nio.ch.", "socket I/O (JDK)"},
        {"java.net.", "socket I/O (JDK)"},
        {"java.util.concurrent.", "threads and locks (JDK)"},
        {"jdk.internal.misc.Unsafe", "threads and locks (JDK)"},
        {"java.lang.Thread", "threads and locks (JDK)"},
        {"java.lang.Object", "threads and locks (JDK)"},
        {"java.security.", "crypto and random (JDK)"},
        {"sun.security.", "crypto and random (JDK)"},
        {"com.sun.crypto.", "crypto and random (JDK)"},
        {"java.lang.invoke.", "reflection (JDK)"},
        {"java.lang.reflect.", "reflection (JDK)"},
        {"jdk.internal.reflect.", "reflection (JDK)"},
        {"java.lang.String", "strings (JDK)"},
        {"java.lang.AbstractStringBuilder", "strings (JDK)"},
        {"java.lang.StringBuilder", "strings (JDK)"},
        {"java.lang.StringLatin1", "strings (JDK)"},
        {"java.lang.StringUTF16", "strings (JDK)"},
        {"java.util.regex.", "regex (JDK)"},
        {"java.util.", "collections and other java.util (JDK)"},
        {"java.time.", "other JDK"},
    };

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: java JfrSummary.java recording.jfr [requests]");
            System.exit(2);
        }
        long requests = args.length > 1 ? Long.parseLong(args[1]) : 0;
        List<RecordedEvent> cpu = new ArrayList<>();
        List<RecordedEvent> nativeSamples = new ArrayList<>();
        List<RecordedEvent> allocations = new ArrayList<>();
        Set<Long> allocatingThreads = new HashSet<>();
        long gcCount = 0;
        long gcPauseNanos = 0;
        double user = 0;
        double system = 0;
        double machine = 0;
        int loads = 0;
        try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                switch (e.getEventType().getName()) {
                    case "jdk.ExecutionSample" -> cpu.add(e);
                    case "jdk.NativeMethodSample" -> nativeSamples.add(e);
                    case "jdk.ObjectAllocationSample" -> {
                        // A thread's first sample weighs everything it allocated since before the
                        // recording (a paused worker's: since the warm-up); only later ones count.
                        RecordedThread t = e.getThread("eventThread");
                        if (t == null || !allocatingThreads.add(t.getId())) {
                            allocations.add(e);
                        }
                    }
                    case "jdk.GarbageCollection" -> {
                        gcCount++;
                        gcPauseNanos += e.getDuration("sumOfPauses").toNanos();
                    }
                    case "jdk.CPULoad" -> {
                        user += e.getFloat("jvmUser");
                        system += e.getFloat("jvmSystem");
                        machine += e.getFloat("machineTotal");
                        loads++;
                    }
                    default -> { }
                }
            }
        }

        System.out.printf("JFR profile %s%n", args[0]);
        System.out.printf("CPU samples (jdk.ExecutionSample, threads running Java code): %d%n", cpu.size());
        if (loads > 0) {
            System.out.printf("CPU load (jdk.CPULoad, mean of %d): JVM user %.0f %%, JVM system %.0f %%, machine %.0f %% of all cores%n",
                    loads, 100 * user / loads, 100 * system / loads, 100 * machine / loads);
        }
        long truncated = cpu.stream().filter(e -> e.getStackTrace() != null && e.getStackTrace().isTruncated()).count();
        if (truncated > 0) {
            System.out.printf("Truncated stacks: %d of %d (inclusive figures undercount the outer layers)%n", truncated, cpu.size());
        }
        System.out.printf("GC: %d collections, %.0f ms of pauses%s%n", gcCount, gcPauseNanos / 1e6,
                requests > 0 ? String.format(" (%.1f µs per request)", gcPauseNanos / 1e3 / requests) : "");

        section("CPU by layer of the code that asked (innermost non-JDK frame)", count(cpu, s -> owner(s), 1), cpu.size());
        section("CPU by layer of the frame on top (self time)", count(cpu, s -> layer(top(s)), 1), cpu.size());
        section("CPU by asker -> top layer", count(cpu, s -> owner(s) + " -> " + layer(top(s)), 1), cpu.size());
        section("CPU inclusive: samples with the layer anywhere on the stack", inclusive(cpu, f -> layer(f)), cpu.size());
        section("Top frames (self)", count(cpu, s -> name(top(s)), 1), cpu.size());
        section("Engine methods inclusive (dev.emailengine on the stack)",
                inclusive(cpu, f -> name(f).startsWith("dev.emailengine.") && !name(f).contains("$Proxy$_$$_Weld") ? name(f) : null),
                cpu.size());
        section("CPU by thread", byThread(cpu), cpu.size());
        section("Threads in native code (jdk.NativeMethodSample) by top frame", count(nativeSamples, s -> name(top(s)), 1),
                nativeSamples.size());
        long allocated = 0;
        for (RecordedEvent e : allocations) {
            allocated += e.getLong("weight");
        }
        System.out.printf("%nAllocation (jdk.ObjectAllocationSample weights, each thread's first sample left out): %.0f MB%s%n",
                allocated / 1e6,
                requests > 0 ? String.format(", %.1f KB per request", allocated / 1e3 / requests) : "");
        section("Allocation by layer of the code that asked", count(allocations, s -> owner(s), e -> e.getLong("weight")), allocated);
        section("Allocation by innermost non-JDK frame", count(allocations, s -> name(firstNonJdk(s)), e -> e.getLong("weight")),
                allocated);
    }

    private static void section(String title, Map<String, Long> counts, long total) {
        System.out.printf("%n%s%n", title);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(TOP)
                .forEach(e -> System.out.printf("  %5.1f %%  %s%n", total > 0 ? 100.0 * e.getValue() / total : 0.0, e.getKey()));
    }

    private interface Key {
        String of(RecordedStackTrace stack);
    }

    private static Map<String, Long> count(List<RecordedEvent> events, Key key, long weight) {
        return count(events, key, e -> weight);
    }

    private static Map<String, Long> count(List<RecordedEvent> events, Key key, ToLongFunction<RecordedEvent> weight) {
        Map<String, Long> counts = new HashMap<>();
        for (RecordedEvent e : events) {
            RecordedStackTrace stack = e.getStackTrace();
            String k = stack == null || stack.getFrames().isEmpty() ? "(no stack)" : key.of(stack);
            counts.merge(k, weight.applyAsLong(e), Long::sum);
        }
        return counts;
    }

    /** Thread names with their numbers dropped, so a pool's threads add up. */
    private static Map<String, Long> byThread(List<RecordedEvent> events) {
        Map<String, Long> counts = new HashMap<>();
        for (RecordedEvent e : events) {
            RecordedThread t = e.getThread("sampledThread");
            String name = t == null || t.getJavaName() == null ? "(unknown)" : t.getJavaName().replaceAll("[0-9]+", "n");
            counts.merge(name, 1L, Long::sum);
        }
        return counts;
    }

    private interface FrameKey {
        String of(RecordedFrame frame);
    }

    private static Map<String, Long> inclusive(List<RecordedEvent> events, FrameKey key) {
        Map<String, Long> counts = new HashMap<>();
        for (RecordedEvent e : events) {
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null) {
                continue;
            }
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : stack.getFrames()) {
                String k = key.of(f);
                if (k != null && seen.add(k)) {
                    counts.merge(k, 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    private static RecordedFrame top(RecordedStackTrace stack) {
        return stack.getFrames().get(0);
    }

    /** Lambdas and hidden classes by the class that made them, so their samples add up. */
    private static String type(RecordedFrame f) {
        String t = f.getMethod().getType().getName();
        int lambda = t.indexOf("$$Lambda");
        return lambda < 0 ? t : t.substring(0, lambda) + "$$Lambda";
    }

    private static String name(RecordedFrame f) {
        return f == null ? "(JDK only)" : type(f) + "." + f.getMethod().getName();
    }

    private static boolean jdk(RecordedFrame f) {
        String t = type(f);
        return t.startsWith("java.") || t.startsWith("javax.") || t.startsWith("jdk.") || t.startsWith("sun.")
                || t.startsWith("com.sun.crypto.") || t.startsWith("com.sun.proxy.");
    }

    private static RecordedFrame firstNonJdk(RecordedStackTrace stack) {
        for (RecordedFrame f : stack.getFrames()) {
            if (!jdk(f)) {
                return f;
            }
        }
        return null;
    }

    private static String owner(RecordedStackTrace stack) {
        RecordedFrame f = firstNonJdk(stack);
        return f == null ? "JDK only (no caller above the JDK in the sampled stack)" : layer(f);
    }

    private static String layer(RecordedFrame f) {
        String t = type(f);
        for (String[] l : LAYERS) {
            if (l[0].startsWith("$") || l[0].startsWith("_") ? t.contains(l[0]) : t.startsWith(l[0])) {
                return l[1];
            }
        }
        return jdk(f) ? "other JDK" : "other: " + (t.lastIndexOf('.') < 0 ? t : t.substring(0, t.lastIndexOf('.')));
    }

}
