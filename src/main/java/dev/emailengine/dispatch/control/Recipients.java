package dev.emailengine.dispatch.control;

import dev.emailengine.dispatch.control.SmtpReply.Meaning;
import dev.emailengine.dispatch.control.TransactionReport.Verdict;
import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.QueuedEmail;
import dev.emailengine.queue.entity.Recipient;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** How one transaction's verdicts change an email's recipients, and the attempt that records it. */
final class Recipients {

    private static final int MAX_MESSAGE = 500;

    private Recipients() {
    }

    /** Recipients in the envelope take their verdict; finished ones (and any not sent to) stay as they were. */
    static List<Recipient> settle(List<Recipient> recipients, TransactionReport report, Instant now) {
        return recipients.stream().map(r -> {
            Verdict verdict = r.state().finished() ? null : report.verdictFor(r.address());
            return verdict == null ? r : r.with(state(verdict), verdict.text(), verdict.enhancedStatus(), now);
        }).toList();
    }

    private static Recipient.State state(Verdict verdict) {
        return switch (verdict.meaning()) {
            case ACCEPTED -> Recipient.State.SENT;
            // 5.1.x to MAIL FROM or DATA is about the sender or the message, not this address.
            case BOUNCED -> verdict.own() ? Recipient.State.BOUNCED : Recipient.State.FAILED;
            case REFUSED_BY_POLICY, FAILED -> Recipient.State.FAILED;
            case THROTTLED -> Recipient.State.THROTTLED;
            case DEFERRED -> Recipient.State.DEFERRED;
        };
    }

    /** Retries or the lifetime are used up: every recipient still waiting has failed. */
    static QueuedEmail giveUp(QueuedEmail email, Instant now) {
        return email.withRecipients(email.recipients().stream()
                .map(r -> r.state().finished() ? r : r.with(Recipient.State.FAILED, r.reply(), r.enhancedStatus(), now))
                .toList());
    }

    /** The attempt of a transaction that left every recipient finished: sent when anyone has the email, else dead. */
    static Attempt attempt(TransactionReport report, Instant now, QueuedEmail finished) {
        boolean sent = finished.recipients().stream().anyMatch(r -> r.state() == Recipient.State.SENT);
        if (report.verdicts().isEmpty()) {
            // A requeued dead letter whose recipients all bounced: nobody is mailed again.
            return new Attempt(now, sent ? Attempt.Outcome.SENT : Attempt.Outcome.PERMANENT_FAILURE, null,
                    "no recipient left to send to: each one bounced or already has the email", null);
        }
        if (sent && report.all(Meaning.ACCEPTED)) {
            Verdict reply = report.transaction();
            return new Attempt(now, Attempt.Outcome.SENT, reply.code() == null ? 250 : reply.code(),
                    cut(reply.text()), reply.enhancedStatus());
        }
        return attempt(report, now, sent ? Attempt.Outcome.SENT : Attempt.Outcome.PERMANENT_FAILURE);
    }

    /**
     * An attempt with the reply that decided it (for a failure, the first recipient's that failed
     * that way), and, when the envelope had several addresses, each one's reply after it.
     */
    static Attempt attempt(TransactionReport report, Instant now, Attempt.Outcome outcome) {
        Verdict decisive = switch (outcome) {
            case SENT -> report.first(Meaning.ACCEPTED);
            case THROTTLED -> report.first(Meaning.THROTTLED);
            case TRANSIENT_FAILURE -> report.first(Meaning.DEFERRED, Meaning.THROTTLED);
            case PERMANENT_FAILURE -> report.first(Meaning.BOUNCED, Meaning.REFUSED_BY_POLICY, Meaning.FAILED);
        };
        // A sent attempt has the server's reply to the message when the transport gave one.
        boolean sentWithoutReply = outcome == Attempt.Outcome.SENT && decisive.code() == null;
        Integer code = sentWithoutReply ? Integer.valueOf(250) : decisive.code();
        String enhanced = decisive.enhancedStatus();
        String text = sentWithoutReply ? "accepted" : decisive.text();
        Map<String, Verdict> verdicts = report.verdicts();
        if (verdicts.size() > 1) {
            long accepted = verdicts.values().stream().filter(v -> v.meaning() == Meaning.ACCEPTED).count();
            var all = new StringBuilder(text).append(" (accepted for ").append(accepted).append(" of ")
                    .append(verdicts.size()).append(" recipients");
            verdicts.forEach((address, v) -> {
                if (v.meaning() != Meaning.ACCEPTED) {
                    all.append("; ").append(address).append(": ").append(v.text());
                }
            });
            text = all.append(')').toString();
        }
        return new Attempt(now, outcome, code, cut(text), enhanced);
    }

    private static String cut(String text) {
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) : text;
    }
}
