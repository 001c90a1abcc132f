package dev.emailengine.dispatch.control;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * One worker's SMTP connection, kept open between messages so a busy worker pays for TCP, TLS
 * and AUTH once, not per email. A connection idle for a while is checked (NOOP) before reuse and
 * closed after a longer idle time so the server's idle timeout never bites mid-send.
 */
public class SmtpConnection implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SmtpConnection.class.getName());
    static final Duration CHECK_AFTER_IDLE = Duration.ofSeconds(10);
    static final Duration CLOSE_AFTER_IDLE = Duration.ofSeconds(60);

    private final Session session;
    private final String owner;
    private Transport transport;
    private long lastUsedNanos;

    public SmtpConnection(Session session, String owner) {
        this.session = session;
        this.owner = owner;
    }

    /** The worker (or "process-batch") this connection belongs to. */
    public String owner() {
        return owner;
    }

    /**
     * @return the server's reply to the message (its final dot: {@code 250 2.0.0 queued as ...}),
     *         null when the transport does not say
     */
    public SmtpReply send(MimeMessage message, Address[] envelope) throws MessagingException {
        if (transport != null && idleFor().compareTo(CHECK_AFTER_IDLE) > 0 && !transport.isConnected()) {
            close();
        }
        open();
        try {
            transport.sendMessage(message, envelope);
            lastUsedNanos = System.nanoTime();
            Integer code = MailInternals.replyCode(transport, "getLastReturnCode");
            return code == null ? null
                    : SmtpReply.of(code, MailInternals.call(transport, "getLastServerResponse") instanceof String text
                            ? text : null);
        } catch (MessagingException | RuntimeException e) {
            // Even after a clean rejection the session state is unknown to us; a fresh connection
            // costs little next to burning the next email's attempt on a confused one.
            close();
            throw e;
        }
    }

    /**
     * Connects (greeting, EHLO, TLS, AUTH) unless already connected. Failing here says nothing
     * about any email: the server is down, unreachable or refuses us.
     *
     * @throws SmtpUnavailableException when no session could be established
     */
    public void open() throws SmtpUnavailableException {
        if (transport != null) {
            return;
        }
        try {
            Transport fresh = session.getTransport();
            fresh.connect();
            transport = fresh;
            lastUsedNanos = System.nanoTime();
            LOG.log(Level.DEBUG, "{0} opened an SMTP connection", owner);
        } catch (MessagingException | RuntimeException e) {
            throw new SmtpUnavailableException(e);
        }
    }

    /** Releases a connection nobody has used for a while; called by an idle worker. */
    public void closeIfIdle() {
        if (transport != null && idleFor().compareTo(CLOSE_AFTER_IDLE) > 0) {
            close();
        }
    }

    @Override
    public void close() {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException e) {
                LOG.log(Level.DEBUG, "{0}: closing the SMTP connection failed: {1}", owner, e.getMessage());
            }
            transport = null;
        }
    }

    private Duration idleFor() {
        return Duration.ofNanos(System.nanoTime() - lastUsedNanos);
    }
}
