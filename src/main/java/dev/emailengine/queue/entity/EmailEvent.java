package dev.emailengine.queue.entity;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What happened to emails, fired as CDI events by the component that made it happen (the queue
 * for intake and cancels, dispatch for delivery outcomes). Metrics, and later the dashboard and
 * webhooks, observe these instead of being called: the components that change state never
 * depend on the ones that watch.
 */
public sealed interface EmailEvent {

    /** Emails were stored durably and will be sent. */
    record Accepted(int count) implements EmailEvent {
    }

    /** An email was withdrawn before any attempt. */
    record Cancelled(String id) implements EmailEvent {
    }

    /**
     * The SMTP server accepted an email.
     *
     * @param latency the SMTP send, compose to server acceptance
     * @param waited from when the email was due to when a worker took it
     * @param recipients the addresses that accepted it (webhooks report them)
     * @param reply the server's reply to the message
     */
    record Sent(String id, String worker, Duration latency, Duration waited, List<String> recipients, String reply)
            implements EmailEvent {

        public Sent {
            recipients = recipients == null ? List.of() : List.copyOf(recipients);
        }

        public Sent(String id, String worker, Duration latency, Duration waited) {
            this(id, worker, latency, waited, List.of(), null);
        }
    }

    /**
     * An attempt failed: {@code willRetry} when another will follow, otherwise the email was dead-lettered.
     *
     * @param recipients the addresses still to reach (a retry), or all of them (dead)
     * @param reply the reply that decided the attempt
     * @param attempt which attempt this was, 1 for the first
     * @param nextAttemptAt when the retry is due; null when dead
     */
    record Failed(String id, String worker, boolean willRetry, List<String> recipients, String reply, int attempt,
            Instant nextAttemptAt) implements EmailEvent {

        public Failed {
            recipients = recipients == null ? List.of() : List.copyOf(recipients);
        }

        public Failed(String id, String worker, boolean willRetry) {
            this(id, worker, willRetry, List.of(), null, 0, null);
        }
    }

    /**
     * A recipient's address was refused for good ({@code 5.1.x}: no such mailbox, a hard bounce);
     * the suppression list observes it. Other recipients of the email may still have got it.
     *
     * @param reply the server's reply, basic and enhanced code first ({@code 550 5.1.1 user unknown})
     */
    record Bounced(String id, String recipient, String reply) implements EmailEvent {
    }

    /**
     * The SMTP server slowed us down ({@code 421}, {@code 4.7.x}, {@code 452 4.5.3}): the email
     * went back without spending an attempt. Rate limits observe it to cut their pace.
     *
     * @param recipient the recipient the reply was about, or null when it spoke for the server
     *            as a whole (a {@code 421}, or a reply to MAIL FROM or DATA)
     */
    record Throttled(String id, String recipient, String reply) implements EmailEvent {
    }

    /**
     * The SMTP server answered for each recipient of one transaction, whatever became of the
     * email: the dashboard's per-domain figures observe it.
     *
     * @param answers by recipient address, as the envelope had it
     */
    record Answered(String id, Map<String, Answer> answers) implements EmailEvent {

        /** What a reply meant for its recipient (named as dispatch classifies replies). */
        public enum Answer {
            ACCEPTED, THROTTLED, DEFERRED, BOUNCED, REFUSED_BY_POLICY, FAILED
        }

        public Answered {
            answers = Map.copyOf(answers);
        }
    }
}
