package dev.emailengine.dispatch.control;

import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.control.QueueFixture;
import dev.emailengine.queue.entity.EmailEvent;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.testing.TestSmtpServer;
import jakarta.mail.Session;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real queue on a temp directory, a real SMTP server, and the dispatch parts between them. */
final class DispatchFixture {

    final TestSmtpServer smtp;
    final MailQueue queue;
    final Session session;
    final SmtpCircuitBreaker breaker = new SmtpCircuitBreaker(Duration.ofMillis(100), Duration.ofMillis(400),
            Clock.systemUTC());
    final Deliverer deliverer;
    /** What the deliverers fired, in order. */
    final List<EmailEvent> events = new CopyOnWriteArrayList<>();

    DispatchFixture(TestSmtpServer smtp, Path data) {
        this(smtp, QueueFixture.start(new MailQueue(), data, 3));
    }

    DispatchFixture(TestSmtpServer smtp, MailQueue queue) {
        this.smtp = smtp;
        this.queue = queue;
        var props = new Properties();
        props.setProperty("mail.smtp.host", "127.0.0.1");
        props.setProperty("mail.smtp.port", String.valueOf(smtp.port()));
        props.setProperty("mail.smtp.connectiontimeout", "2000");
        props.setProperty("mail.smtp.timeout", "5000");
        props.setProperty("mail.smtp.sendpartial", "true"); // as server-config/ sets it
        this.session = Session.getInstance(props);
        this.deliverer = deliverer(new RetryPolicy(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofHours(1)));
    }

    /** A deliverer on this fixture's queue, breaker and session with its own retry policy. */
    Deliverer deliverer(RetryPolicy retryPolicy) {
        return new Deliverer(queue, session, new MimeComposer("engine@emailengine.test", null), retryPolicy, breaker,
                Clock.systemUTC(), events::add);
    }

    /** Retries and throttled emails due again at once, so a test can claim them straight away. */
    Deliverer retryingAtOnce() {
        return deliverer(new RetryPolicy(Duration.ZERO, Duration.ZERO, Duration.ofHours(1), Duration.ZERO));
    }

    String enqueue(String to, List<String> cc, List<String> bcc) {
        return queue.enqueue(new EmailMessage(to, "subject", "body", null, null, cc, bcc, null, null, null), 2, null,
                null).id();
    }

    String enqueue(String to) {
        return queue.enqueue(EmailMessage.of(to, "subject", "body", null), 2, null, null).id();
    }

    String state(String id) {
        return queue.find(id).orElseThrow().state();
    }

    Worker worker(String name, SmtpConnection connection) {
        return new Worker(name, queue, deliverer, connection, breaker, new PauseSwitch(), Duration.ofMillis(200));
    }
}
