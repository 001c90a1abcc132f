package dev.emailengine.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The SMTP side of the integration tests: a real GreenMail server on a free loopback port, reached
 * through a {@link ConnectionCountingProxy} on the port the service was configured with
 * ({@code it.smtp.port}). Waiting uses GreenMail's own notification, never a fixed sleep.
 */
public final class TestSmtpServer implements AutoCloseable {

    private final GreenMail greenMail;
    private final ConnectionCountingProxy proxy;

    public TestSmtpServer(int servicePort) throws IOException {
        int greenMailPort = freePort();
        greenMail = new GreenMail(new ServerSetup(greenMailPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        proxy = new ConnectionCountingProxy(servicePort, greenMailPort);
    }

    public static TestSmtpServer onConfiguredPort() throws IOException {
        return new TestSmtpServer(Integer.getInteger("it.smtp.port"));
    }

    public int connections() {
        return proxy.connections();
    }

    public int receivedCount() {
        return greenMail.getReceivedMessages().length;
    }

    /** Every message received so far whose To header names {@code recipient}. */
    public List<MimeMessage> messagesTo(String recipient) {
        return Arrays.stream(greenMail.getReceivedMessages()).filter(m -> isTo(m, recipient)).toList();
    }

    /** Waits until {@code count} messages to {@code recipient} have arrived, or fails at the deadline. */
    public List<MimeMessage> awaitMessagesTo(String recipient, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            MimeMessage[] all = greenMail.getReceivedMessages();
            List<MimeMessage> found = Arrays.stream(all).filter(m -> isTo(m, recipient)).toList();
            if (found.size() >= count) {
                return found;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " message(s) to " + recipient + " within " + timeout
                        + ", got " + found.size());
            }
            // Returns as soon as any new message arrives (GreenMail notifies), or when the time is up.
            greenMail.waitForIncomingEmail(Math.max(1, left / 1_000_000), all.length + 1);
        }
    }

    public MimeMessage awaitMessageTo(String recipient, Duration timeout) {
        return awaitMessagesTo(recipient, 1, timeout).get(0);
    }

    private static boolean isTo(MimeMessage message, String recipient) {
        try {
            Address[] to = message.getRecipients(MimeMessage.RecipientType.TO);
            return to != null && Arrays.stream(to).anyMatch(a -> a.toString().equals(recipient));
        } catch (MessagingException e) {
            return false;
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        proxy.close();
        greenMail.stop();
    }
}
