package dev.emailengine.testing;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The SMTP side of the integration tests: a real SMTP server (SubEthaSMTP) on a free loopback
 * port, reached through a {@link ConnectionCountingProxy} on the port the service was configured
 * with. What it answers depends on the recipient's local part, so tests running against one
 * server cannot disturb each other:
 * <ul>
 * <li>{@code flaky30-*}: 451 at DATA for 30 % of deliveries;</li>
 * <li>{@code fail2-*}: 451 at DATA for the first two deliveries of each message, then accepted;</li>
 * <li>{@code reject550-*}: 550 at RCPT;</li>
 * <li>{@code gate-*}: 550 at RCPT until {@link #open(String)} lets that recipient through;</li>
 * <li>{@code greylist-*}: 451 4.7.1 at DATA until {@link #greylistFor(Duration)} (default 5 s) after
 * the server first saw that message, then accepted;</li>
 * <li>{@code policy-CODE-X.Y.Z-*}: that reply at RCPT, every time ({@code policy-550-5.1.1-ann@...});
 * {@code first-CODE-X.Y.Z-*}: that reply to the address's first RCPT only, then accepted;</li>
 * <li>{@code throttle30-*}: {@code 451 4.7.1} at RCPT for 30 % of RCPTs, drawn from a seeded random
 * sequence ({@link #throttledReplies()} counts them);</li>
 * <li>anything else: accepted.</li>
 * </ul>
 * Server-wide, {@link #busyFor(Duration)} answers every MAIL FROM with 421 for a while, as a
 * server does that throttles the client as a whole.
 * Waiting is done on the server's own notification, never a fixed sleep.
 */
public final class TestSmtpServer implements AutoCloseable {

    public record Received(MimeMessage message, Instant at, String recipient) {
        public String messageId() {
            try {
                return message.getMessageID();
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final Session parser = Session.getInstance(new Properties());
    private final List<Received> received = new ArrayList<>();
    private final Map<String, AtomicInteger> attemptsByMessage = new ConcurrentHashMap<>();
    private final Set<String> openGates = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();
    private volatile Duration greylist = Duration.ofSeconds(5);
    private volatile Instant busyUntil = Instant.MIN;
    private final AtomicInteger busyReplies = new AtomicInteger();
    private final AtomicInteger holding = new AtomicInteger();
    private static final Pattern POLICY = Pattern.compile("(policy|first)-([45]\\d\\d)-([45]\\.\\d{1,3}\\.\\d{1,3})-.*");
    private final Set<String> firstRcptSeen = ConcurrentHashMap.newKeySet();
    private final Random throttleDraws = new Random(15);
    private final AtomicInteger throttledReplies = new AtomicInteger();
    private final CountDownLatch holdGate = new CountDownLatch(1);
    private final int smtpPort;
    private final ConnectionCountingProxy proxy;
    private volatile SMTPServer server;

    public TestSmtpServer(int servicePort) throws IOException {
        this.smtpPort = FreePorts.any();
        start();
        this.proxy = servicePort > 0 ? new ConnectionCountingProxy(servicePort, smtpPort) : null;
    }

    /** The server the service was configured with ({@code it.smtp.port}), behind the counting proxy. */
    public static TestSmtpServer onConfiguredPort() throws IOException {
        return new TestSmtpServer(Integer.getInteger("it.smtp.port"));
    }

    /** A server of its own on a free port, without a proxy; {@link #port()} says where. */
    public static TestSmtpServer onFreePort() throws IOException {
        return new TestSmtpServer(0);
    }

    /** What the server answers to a message it took, with an enhanced status code as Postfix answers. */
    private static final String DATA_REPLY = "250 2.0.0 Ok: queued";

    public String dataReply() {
        return DATA_REPLY;
    }

    public int port() {
        return smtpPort;
    }

    /** (Re)starts listening; with {@link #stop()} this simulates an SMTP outage. */
    public synchronized void start() {
        server = SMTPServer.port(smtpPort).bindAddress(InetAddress.getLoopbackAddress())
                .hostName("smtp.test").messageHandlerFactory(this::handler).build();
        server.start();
    }

    /** Stops listening and drops every open connection. */
    public synchronized void stop() {
        server.stop();
    }

    public void open(String recipient) {
        openGates.add(recipient);
    }

    /** How long a {@code greylist-*} message is refused after its first delivery attempt. */
    public void greylistFor(Duration duration) {
        greylist = duration;
    }

    /** Answers every MAIL FROM with {@code 421} from now for {@code duration}. */
    public void busyFor(Duration duration) {
        busyUntil = Instant.now().plus(duration);
    }

    /**
     * How many {@code hold-*} messages wait in DATA now: their sender is mid-send until
     * {@link #releaseHeld()} (or 25 s, under the service's 30 s SMTP timeout).
     */
    public int holding() {
        return holding.get();
    }

    /** Lets every held message, and all later ones, through. */
    public void releaseHeld() {
        holdGate.countDown();
    }

    /** How many 421s {@link #busyFor} made the server answer. */
    public int busyReplies() {
        return busyReplies.get();
    }

    /** How many {@code throttle30-*} RCPTs were answered {@code 451 4.7.1}. */
    public int throttledReplies() {
        return throttledReplies.get();
    }

    public int connections() {
        return proxy == null ? 0 : proxy.connections();
    }

    public synchronized List<Received> all() {
        return List.copyOf(received);
    }

    public synchronized List<Received> to(String recipient) {
        return received.stream().filter(r -> r.recipient().equals(recipient)).toList();
    }

    /** Accepted recipients per domain (lower case) and epoch second of their DATA, for pacing tests. */
    public synchronized Map<String, SortedMap<Long, Integer>> arrivalsPerDomainAndSecond() {
        var arrivals = new TreeMap<String, SortedMap<Long, Integer>>();
        for (Received r : received) {
            String domain = r.recipient().substring(r.recipient().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            arrivals.computeIfAbsent(domain, d -> new TreeMap<>()).merge(r.at().getEpochSecond(), 1, Integer::sum);
        }
        return arrivals;
    }

    /** Waits until {@code count} messages to {@code recipient} have arrived, or fails at the deadline. */
    public List<Received> awaitTo(String recipient, int count, Duration timeout) {
        return await(r -> r.recipient().equals(recipient), count, timeout, "to " + recipient);
    }

    public MimeMessage awaitMessageTo(String recipient, Duration timeout) {
        return awaitTo(recipient, 1, timeout).get(0).message();
    }

    public synchronized List<Received> await(Predicate<Received> which, int count, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Received> found = received.stream().filter(which).toList();
            if (found.size() >= count) {
                return found;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " message(s) " + what + " within " + timeout + ", got "
                        + found.size());
            }
            try {
                wait(Math.max(1, left / 1_000_000)); // notified on every arrival
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private synchronized void store(Received r) {
        received.add(r);
        notifyAll();
    }

    private MessageHandler handler(MessageContext context) {
        return new MessageHandler() {
            private final List<String> recipients = new ArrayList<>();

            @Override
            public void from(String from) throws RejectException {
                if (Instant.now().isBefore(busyUntil)) {
                    busyReplies.incrementAndGet();
                    throw new RejectException(421, "4.7.0 too many messages, slow down and try again later");
                }
            }

            @Override
            public void recipient(String recipient) throws RejectException {
                String local = recipient.substring(0, Math.max(0, recipient.indexOf('@')));
                if (local.startsWith("reject550-")) {
                    throw new RejectException(550, "5.1.1 <" + recipient + ">: user unknown");
                }
                if (local.startsWith("gate-") && !openGates.contains(recipient)) {
                    throw new RejectException(550, "5.7.1 <" + recipient + ">: not accepted yet");
                }
                Matcher policy = POLICY.matcher(local);
                if (policy.matches() && (policy.group(1).equals("policy") || firstRcptSeen.add(recipient))) {
                    throw new RejectException(Integer.parseInt(policy.group(2)), policy.group(3) + " <" + recipient
                            + ">: as its policy says");
                }
                if (local.startsWith("throttle30-") && throttleDraws.nextInt(100) < 30) {
                    throttledReplies.incrementAndGet();
                    throw new RejectException(451, "4.7.1 <" + recipient + ">: rate limited, try again later");
                }
                recipients.add(recipient);
            }

            @Override
            public String data(InputStream data) throws RejectException, IOException {
                Instant started = Instant.now();
                if (recipients.stream().anyMatch(r -> r.startsWith("hold-")) && holdGate.getCount() > 0) {
                    holding.incrementAndGet();
                    try {
                        holdGate.await(25, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        holding.decrementAndGet();
                    }
                }
                byte[] bytes = data.readAllBytes();
                MimeMessage message;
                String messageId;
                try {
                    message = new MimeMessage(parser, new ByteArrayInputStream(bytes));
                    messageId = message.getMessageID();
                } catch (MessagingException e) {
                    throw new RejectException(554, "5.6.0 unparsable message");
                }
                int attempt = attemptsByMessage.computeIfAbsent(String.valueOf(messageId), k -> new AtomicInteger())
                        .incrementAndGet();
                for (String recipient : recipients) {
                    String local = recipient.substring(0, recipient.indexOf('@'));
                    if (local.startsWith("flaky30-") && ThreadLocalRandom.current().nextInt(100) < 30) {
                        throw new RejectException(451, "4.3.0 temporary failure, try again");
                    }
                    if (local.startsWith("fail2-") && attempt <= 2) {
                        throw new RejectException(451, "4.3.0 not yet (attempt " + attempt + ")");
                    }
                    if (local.startsWith("greylist-")) {
                        Instant seen = firstSeen.computeIfAbsent(String.valueOf(messageId), k -> Instant.now());
                        if (Instant.now().isBefore(seen.plus(greylist))) {
                            throw new RejectException(451, "4.7.1 greylisted, try again later");
                        }
                    }
                }
                // When the sender began sending it: a held message counts as sent by whoever held it.
                for (String recipient : recipients) {
                    store(new Received(message, started, recipient));
                }
                return DATA_REPLY.substring(4);
            }

            @Override
            public void done() {
            }
        };
    }

    @Override
    public void close() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        stop();
    }
}
