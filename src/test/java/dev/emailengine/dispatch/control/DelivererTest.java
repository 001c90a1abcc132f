package dev.emailengine.dispatch.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.dispatch.control.Deliverer.Outcome;
import dev.emailengine.dispatch.control.SmtpCircuitBreaker.Cause;
import dev.emailengine.dispatch.control.SmtpCircuitBreaker.State;
import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.EmailDetails;
import dev.emailengine.queue.entity.EmailEvent;
import dev.emailengine.queue.entity.QueuedEmail;
import dev.emailengine.testing.TestSmtpServer;
import java.nio.file.Path;
import jakarta.mail.Session;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deliveries against a real SMTP server: outage probes, throttling replies, and each recipient's
 * outcome (the server's replies are chosen by the recipients' local parts, see TestSmtpServer).
 */
class DelivererTest {

    @TempDir
    Path data;

    private TestSmtpServer smtp;
    private DispatchFixture f;

    @BeforeEach
    void setUp() throws Exception {
        smtp = TestSmtpServer.onFreePort();
        f = new DispatchFixture(smtp, data);
    }

    @AfterEach
    void tearDown() throws Exception {
        smtp.close();
    }

    private QueuedEmail claim(String to) {
        String id = f.enqueue(to);
        QueuedEmail email = f.queue.claimNext().orElseThrow();
        assertEquals(id, email.id());
        return email;
    }

    @Test
    void theOutageProbeConnectsAfreshEvenWhenTheWorkerStillHoldsAConnection() {
        var connection = new SmtpConnection(f.session, "worker-test");
        assertEquals(Outcome.SENT, f.deliverer.deliver(claim("before@example.com"), connection));
        smtp.stop();
        f.breaker.recordOutage("connection refused");

        assertFalse(f.deliverer.probe(connection), "a connection from before the outage is no proof the server is back");
        assertNotEquals(State.CLOSED, f.breaker.state());

        smtp.start();
        assertTrue(f.deliverer.probe(connection));
        assertEquals(State.CLOSED, f.breaker.state());
        connection.close();
    }

    /** The reply to the message's final dot is what says the server took it: kept, not a made-up "250 accepted". */
    @Test
    void aSentAttemptAndItsRecipientsKeepTheServersReplyToTheMessage() {
        var connection = new SmtpConnection(f.session, "worker-test");
        String single = f.enqueue("single@example.com");
        assertEquals(Outcome.SENT, f.deliverer.deliver(f.queue.claimNext().orElseThrow(), connection));
        String id = f.enqueue("to@example.com", List.of("policy-550-5.1.1-gone@example.com"), List.of());
        assertEquals(Outcome.SENT, f.deliverer.deliver(f.queue.claimNext().orElseThrow(), connection));

        for (String each : List.of(single, id)) {
            EmailDetails sent = f.queue.find(each).orElseThrow();
            Attempt attempt = sent.attempts().get(0);
            assertEquals(250, attempt.smtpCode());
            assertTrue(attempt.message().startsWith(smtp.dataReply()), attempt.message());
            assertEquals(SmtpReply.parse(smtp.dataReply()).enhancedStatus(), attempt.enhancedStatus());
            assertEquals(smtp.dataReply(), sent.recipients().get(0).reply());
        }
        connection.close();
    }

    @Test
    void a421HoldsTheEmailBackWithoutSpendingARetryAndThrottlesTheServer() {
        var connection = new SmtpConnection(f.session, "worker-test");
        smtp.busyFor(Duration.ofMinutes(1));
        QueuedEmail email = claim("busy@example.com");

        assertEquals(Outcome.DEFERRED_BY_THROTTLING, f.deliverer.deliver(email, connection));

        assertEquals(1, smtp.busyReplies());
        assertEquals("queued", f.state(email.id()));
        EmailDetails held = f.queue.find(email.id()).orElseThrow();
        assertEquals(0, held.retryCount());
        Attempt attempt = held.attempts().get(0);
        assertEquals(Attempt.Outcome.THROTTLED, attempt.outcome());
        assertEquals(421, attempt.smtpCode());
        assertEquals("4.7.0", attempt.enhancedStatus());
        assertEquals(List.of(new EmailEvent.Throttled(email.id(), null, attempt.message())),
                f.events.stream().filter(e -> !(e instanceof EmailEvent.Answered)).toList(),
                "a 421 speaks for the server as a whole: no recipient named");
        var snapshot = f.breaker.snapshot();
        assertEquals(State.OPEN, snapshot.state());
        assertEquals(Cause.THROTTLING, snapshot.cause());
        assertTrue(snapshot.lastError().startsWith("421"), snapshot.lastError());
        connection.close();
    }

    @Test
    void greylistingSpendsNoRetryAndSeveralEmailsGreylistedInARowThrottleTheServer() {
        var connection = new SmtpConnection(f.session, "worker-test");
        smtp.greylistFor(Duration.ofMinutes(1));

        for (int i = 1; i < SmtpCircuitBreaker.THROTTLE_SIGNS; i++) {
            QueuedEmail email = claim("greylist-" + i + "@example.com");
            assertEquals(Outcome.THROTTLED, f.deliverer.deliver(email, connection), "email " + i);
            assertEquals(State.CLOSED, f.breaker.state());
            EmailDetails details = f.queue.find(email.id()).orElseThrow();
            assertEquals(0, details.retryCount());
            assertEquals("queued", details.state());
            Attempt attempt = details.attempts().get(0);
            assertEquals(Attempt.Outcome.THROTTLED, attempt.outcome());
            assertEquals(451, attempt.smtpCode());
            assertEquals("4.7.1", attempt.enhancedStatus());
            assertEquals("throttled", details.recipients().get(0).state());
            assertTrue(f.events.contains(new EmailEvent.Throttled(email.id(), null, attempt.message())),
                    "a reply to DATA speaks for the transaction, not a recipient: " + f.events);
        }
        QueuedEmail last = claim("greylist-last@example.com");
        assertEquals(Outcome.DEFERRED_BY_THROTTLING, f.deliverer.deliver(last, connection));
        assertEquals(0, f.queue.find(last.id()).orElseThrow().retryCount());
        assertEquals(Cause.THROTTLING, f.breaker.snapshot().cause());
        connection.close();
    }

    @Test
    void aCcRefusedWith511BouncesWhileToAndBccGetTheEmailOnce() {
        var connection = new SmtpConnection(f.session, "worker-test");
        String cc = "policy-550-5.1.1-gone@example.com";
        String id = f.enqueue("to@example.com", List.of(cc), List.of("hidden@example.com"));

        assertEquals(Outcome.SENT, f.deliverer.deliver(f.queue.claimNext().orElseThrow(), connection));

        assertEquals(1, smtp.to("to@example.com").size());
        assertEquals(1, smtp.to("hidden@example.com").size());
        assertEquals(List.of(), smtp.to(cc));
        EmailDetails details = f.queue.find(id).orElseThrow();
        assertEquals("sent", details.state());
        assertEquals(List.of("to:sent", "cc:bounced", "bcc:sent"),
                details.recipients().stream().map(r -> r.kind() + ":" + r.state()).toList());
        var bounced = details.recipients().get(1);
        assertEquals("5.1.1", bounced.enhancedStatus());
        assertTrue(bounced.reply().startsWith("550 5.1.1"), bounced.reply());
        Attempt attempt = details.attempts().get(0);
        assertEquals(Attempt.Outcome.SENT, attempt.outcome());
        assertTrue(attempt.message().contains("accepted for 2 of 3 recipients; " + cc + ": 550 5.1.1"),
                attempt.message());
        assertEquals(List.of(new EmailEvent.Bounced(id, cc, bounced.reply())),
                f.events.stream().filter(e -> e instanceof EmailEvent.Bounced).toList());
        connection.close();
    }

    /**
     * The transport names accepted and refused recipients by their bare address; the envelope
     * keeps the display name the client gave. Both must be read as one recipient.
     */
    @Test
    void displayNamedRecipientsAreSettledByTheirMailbox() {
        var connection = new SmtpConnection(f.session, "worker-test");
        Deliverer deliverer = f.retryingAtOnce();
        String cc = "Gone <policy-550-5.1.1-x@example.com>";
        String id = f.enqueue("Ada <to@example.com>", List.of(cc), List.of());

        assertEquals(Outcome.SENT, deliverer.deliver(f.queue.claimNext().orElseThrow(), connection));

        assertEquals(1, smtp.to("to@example.com").size());
        assertTrue(f.queue.claimNext().isEmpty(), "nothing left to send again");
        EmailDetails details = f.queue.find(id).orElseThrow();
        assertEquals("sent", details.state());
        assertEquals(List.of("to:sent", "cc:bounced"),
                details.recipients().stream().map(r -> r.kind() + ":" + r.state()).toList());
        assertEquals("5.1.1", details.recipients().get(1).enhancedStatus());
        assertEquals(List.of(new EmailEvent.Bounced(id, cc, details.recipients().get(1).reply())),
                f.events.stream().filter(e -> e instanceof EmailEvent.Bounced).toList());
        assertEquals(1, smtp.to("to@example.com").size(), "the accepted recipient is not sent it again");
        connection.close();
    }

    @Test
    void aTransientReplyToOneRecipientIsRetriedForThatRecipientOnly() throws Exception {
        var connection = new SmtpConnection(f.session, "worker-test");
        Deliverer deliverer = f.retryingAtOnce();
        String cc = "first-451-4.3.0-later@example.com";
        String id = f.enqueue("to@example.com", List.of(cc), List.of());

        assertEquals(Outcome.RETRY_SCHEDULED, deliverer.deliver(f.queue.claimNext().orElseThrow(), connection));
        EmailDetails retrying = f.queue.find(id).orElseThrow();
        assertEquals(1, retrying.retryCount());
        assertEquals(List.of("sent", "deferred"), retrying.recipients().stream().map(r -> r.state()).toList());
        assertEquals("4.3.0", retrying.attempts().get(0).enhancedStatus());

        assertEquals(Outcome.SENT, deliverer.deliver(f.queue.claimNext().orElseThrow(), connection));

        assertEquals(1, smtp.to("to@example.com").size(), "the recipient that had it is not sent it again");
        var atCc = smtp.to(cc);
        assertEquals(1, atCc.size());
        assertEquals("to@example.com", atCc.get(0).message().getHeader("To", null), "the headers stay as written");
        assertEquals(cc, atCc.get(0).message().getHeader("Cc", null));
        assertEquals(smtp.to("to@example.com").get(0).messageId(), atCc.get(0).messageId());
        assertEquals(List.of("sent", "sent"),
                f.queue.find(id).orElseThrow().recipients().stream().map(r -> r.state()).toList());
        connection.close();
    }

    @Test
    void throttlingOfOneRecipientSpendsNoRetryAndOthersAreNotSentAgain() {
        var connection = new SmtpConnection(f.session, "worker-test");
        Deliverer deliverer = f.retryingAtOnce();
        String tooMany = "first-452-4.5.3-many@example.com";
        String rateLimited = "first-451-4.7.1-slow@example.com";
        String id = f.enqueue("to@example.com", List.of(tooMany, rateLimited), List.of());

        assertEquals(Outcome.THROTTLED, deliverer.deliver(f.queue.claimNext().orElseThrow(), connection));

        EmailDetails throttled = f.queue.find(id).orElseThrow();
        assertEquals(0, throttled.retryCount(), "throttling spends no retry");
        assertEquals(List.of("sent", "throttled", "throttled"),
                throttled.recipients().stream().map(r -> r.state()).toList());
        assertEquals(Attempt.Outcome.THROTTLED, throttled.attempts().get(0).outcome());
        assertEquals(State.CLOSED, f.breaker.state(), "the server accepted a recipient: it is not throttling us all");
        assertEquals(List.of(tooMany, rateLimited), f.events.stream()
                .filter(e -> e instanceof EmailEvent.Throttled).map(e -> ((EmailEvent.Throttled) e).recipient()).toList());

        assertEquals(Outcome.SENT, deliverer.deliver(f.queue.claimNext().orElseThrow(), connection));
        assertEquals(1, smtp.to("to@example.com").size());
        assertEquals(1, smtp.to(tooMany).size());
        assertEquals(1, smtp.to(rateLimited).size());
        assertEquals(0, f.queue.find(id).orElseThrow().retryCount());
        connection.close();
    }

    /** The dashboard's domain table counts these: one event per transaction, every recipient's answer. */
    @Test
    void everyRecipientsAnswerIsAnnouncedOnceForTheTransaction() {
        var connection = new SmtpConnection(f.session, "worker-test");
        String bounced = "policy-550-5.1.1-gone@example.com";
        String refused = "policy-550-5.7.1-spam@example.com";
        String failed = "policy-554-5.0.0-broken@example.com";
        String deferred = "first-451-4.3.0-later@example.com";
        String throttled = "first-452-4.5.3-many@example.com";
        String id = f.enqueue("to@example.com", List.of(bounced, refused, failed, deferred), List.of(throttled));

        f.deliverer.deliver(f.queue.claimNext().orElseThrow(), connection);

        var answers = f.events.stream().filter(e -> e instanceof EmailEvent.Answered).toList();
        assertEquals(List.of(new EmailEvent.Answered(id, java.util.Map.of(
                "to@example.com", EmailEvent.Answered.Answer.ACCEPTED,
                bounced, EmailEvent.Answered.Answer.BOUNCED,
                refused, EmailEvent.Answered.Answer.REFUSED_BY_POLICY,
                failed, EmailEvent.Answered.Answer.FAILED,
                deferred, EmailEvent.Answered.Answer.DEFERRED,
                throttled, EmailEvent.Answered.Answer.THROTTLED))), answers);
        connection.close();
    }

    @Test
    void a571IsDeadWithItsEnhancedStatusButNoBounce() {
        var connection = new SmtpConnection(f.session, "worker-test");
        QueuedEmail email = claim("policy-550-5.7.1-spam@example.com");

        assertEquals(Outcome.DEAD_LETTERED, f.deliverer.deliver(email, connection));

        EmailDetails dead = f.queue.find(email.id()).orElseThrow();
        assertEquals("dead", dead.state());
        assertEquals(Attempt.Outcome.PERMANENT_FAILURE, dead.attempts().get(0).outcome());
        assertEquals("5.7.1", dead.attempts().get(0).enhancedStatus());
        assertEquals("failed", dead.recipients().get(0).state());
        assertEquals("5.7.1", dead.recipients().get(0).enhancedStatus());
        assertTrue(f.events.stream().noneMatch(e -> e instanceof EmailEvent.Bounced), f.events.toString());
        connection.close();
    }

    @Test
    void everyRecipientBouncedIsDeadAndEachIsABounce() {
        var connection = new SmtpConnection(f.session, "worker-test");
        String a = "policy-550-5.1.1-a@example.com";
        String b = "policy-553-5.1.3-b@example.com";
        String id = f.enqueue(a, List.of(b), List.of());

        assertEquals(Outcome.DEAD_LETTERED, f.deliverer.deliver(f.queue.claimNext().orElseThrow(), connection));

        EmailDetails dead = f.queue.find(id).orElseThrow();
        assertEquals(List.of("bounced", "bounced"), dead.recipients().stream().map(r -> r.state()).toList());
        assertEquals(550, dead.attempts().get(0).smtpCode());
        assertEquals(List.of(a, b), f.events.stream().filter(e -> e instanceof EmailEvent.Bounced)
                .map(e -> ((EmailEvent.Bounced) e).recipient()).toList());
        connection.close();
    }

    @Test
    void aRequeuedDeadLetterDoesNotMailTheAddressesThatBounced() {
        var connection = new SmtpConnection(f.session, "worker-test");
        String a = "policy-550-5.1.1-a@example.com";
        String b = "first-554-5.7.1-b@example.com";
        String id = f.enqueue(a, List.of(b), List.of());
        assertEquals(Outcome.DEAD_LETTERED, f.deliverer.deliver(f.queue.claimNext().orElseThrow(), connection));
        assertTrue(f.queue.requeueDeadLetter(id));

        assertEquals(Outcome.SENT, f.deliverer.deliver(f.queue.claimNext().orElseThrow(), connection));

        assertEquals(List.of(), smtp.to(a));
        assertEquals(1, smtp.to(b).size(), "the one that failed for policy is tried again");
        assertEquals(List.of("bounced", "sent"),
                f.queue.find(id).orElseThrow().recipients().stream().map(r -> r.state()).toList());
        connection.close();
    }

    @Test
    void anEmailThrottledPastItsLifetimeIsGivenUp() {
        var connection = new SmtpConnection(f.session, "worker-test");
        Deliverer deliverer = f.deliverer(new RetryPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO));
        QueuedEmail email = claim("policy-451-4.7.1-forever@example.com");

        assertEquals(Outcome.DEAD_LETTERED, deliverer.deliver(email, connection));

        EmailDetails dead = f.queue.find(email.id()).orElseThrow();
        assertEquals("dead", dead.state());
        assertEquals("failed", dead.recipients().get(0).state());
        assertEquals("4.7.1", dead.attempts().get(0).enhancedStatus());
        connection.close();
    }

    /**
     * A mail session without {@code mail.smtp.sendpartial}: one refused recipient stops the
     * transaction, the refused one is settled by its own reply, and the others, refused nothing,
     * get the email on the retry.
     */
    @Test
    void withoutPartialSendsTheOthersGetTheEmailOnTheRetry() {
        var props = new Properties();
        props.putAll(f.session.getProperties());
        props.remove("mail.smtp.sendpartial");
        var session = Session.getInstance(props);
        var connection = new SmtpConnection(session, "worker-test");
        var deliverer = new Deliverer(f.queue, session, new MimeComposer("engine@emailengine.test", null),
                new RetryPolicy(Duration.ZERO, Duration.ZERO, Duration.ofHours(1), Duration.ZERO), f.breaker,
                Clock.systemUTC(), f.events::add);
        String cc = "policy-550-5.1.1-gone@example.com";
        String id = f.enqueue("to@example.com", List.of(cc), List.of());

        assertEquals(Outcome.RETRY_SCHEDULED, deliverer.deliver(f.queue.claimNext().orElseThrow(), connection));
        assertEquals(List.of("deferred", "bounced"),
                f.queue.find(id).orElseThrow().recipients().stream().map(r -> r.state()).toList());
        assertEquals(Outcome.SENT, deliverer.deliver(f.queue.claimNext().orElseThrow(), connection));

        assertEquals(1, smtp.to("to@example.com").size());
        assertEquals(List.of(), smtp.to(cc));
        connection.close();
    }
}
