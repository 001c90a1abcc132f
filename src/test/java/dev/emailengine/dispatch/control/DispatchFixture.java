package dev.emailengine.dispatch.control;

import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.control.QueueFixture;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.testing.TestSmtpServer;
import jakarta.mail.Session;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;

/** A real queue on a temp directory, a real SMTP server, and the dispatch parts between them. */
final class DispatchFixture {

    final TestSmtpServer smtp;
    final MailQueue queue;
    final Session session;
    final SmtpCircuitBreaker breaker = new SmtpCircuitBreaker(Duration.ofMillis(100), Duration.ofMillis(400),
            Clock.systemUTC());
    final Deliverer deliverer;

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
        this.session = Session.getInstance(props);
        this.deliverer = new Deliverer(queue, session, new MimeComposer("engine@emailengine.test", null),
                new RetryPolicy(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofHours(1)), breaker,
                Clock.systemUTC(), event -> { });
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
