package dev.emailengine.dispatch.control;

import dev.emailengine.dispatch.control.SmtpReply.Meaning;
import dev.emailengine.queue.entity.Recipient;
import jakarta.mail.Address;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one SMTP transaction did to each address of its envelope, read from what the send threw.
 * With {@code mail.smtp.sendpartial} a refused RCPT does not stop the others: Jakarta Mail sends
 * to the accepted ones, then throws with them listed as valid-sent and one exception per refused
 * address chained behind ({@code SMTPAddressFailedException}: the address, its reply code and
 * text). Those are read through the standard API and {@link MailInternals}, so no implementation
 * class is imported. An address without a reply of its own gets
 * the transaction's: the reply to MAIL FROM or DATA, or the lost connection.
 */
final class TransactionReport {

    /**
     * What became of one address. {@code own} when the reply was about that address (its RCPT),
     * not about the transaction as a whole; {@code reply} is null when no reply came (connection lost).
     */
    record Verdict(Meaning meaning, SmtpReply reply, String text, boolean own) {
        String enhancedStatus() {
            return reply == null ? null : reply.enhancedStatus();
        }

        Integer code() {
            return reply == null ? null : reply.code();
        }

        boolean serverWide() {
            return reply != null && reply.serverWide();
        }
    }

    private static final Verdict ACCEPTED = new Verdict(Meaning.ACCEPTED, null, "accepted", false);

    private final Map<String, Verdict> byKey = new LinkedHashMap<>();
    private final Map<String, Verdict> byAddress = new LinkedHashMap<>();
    private final Verdict transaction;

    private TransactionReport(Verdict transaction) {
        this.transaction = transaction;
    }

    /** Every address accepted; {@code reply} is the server's to the message (its final dot), null when unknown. */
    static TransactionReport accepted(List<String> envelope, SmtpReply reply) {
        Verdict accepted = reply == null ? ACCEPTED : new Verdict(Meaning.ACCEPTED, reply, reply.text(), false);
        var report = new TransactionReport(accepted);
        envelope.forEach(address -> report.put(address, accepted));
        return report;
    }

    static TransactionReport of(Throwable e, List<String> envelope) {
        var own = new LinkedHashMap<String, Verdict>();
        Verdict transaction = null;
        for (Throwable t = e; t != null; t = DeliveryFailure.next(t)) {
            Integer code = returnCode(t);
            String address = failedAddress(t);
            if (address != null && code != null) {
                SmtpReply reply = SmtpReply.of(code, t.getMessage());
                own.putIfAbsent(Recipient.key(address), new Verdict(reply.meaning(), reply, reply.text(), true));
            } else if (address == null && transaction == null) {
                SmtpReply reply = code != null ? SmtpReply.of(code, t.getMessage()) : SmtpReply.parse(t.getMessage());
                if (reply != null) {
                    transaction = new Verdict(reply.meaning(), reply, reply.text(), false);
                }
            }
        }
        if (transaction == null) {
            transaction = withoutReply(e);
        }
        var report = new TransactionReport(transaction);
        List<String> sent = transaction.meaning() == Meaning.ACCEPTED ? validSent(e) : List.of();
        for (String address : envelope) {
            String key = Recipient.key(address);
            Verdict verdict = sent.contains(key) ? new Verdict(Meaning.ACCEPTED, transaction.reply(),
                    transaction.text(), false) : own.getOrDefault(key, transaction);
            if (verdict.meaning() == Meaning.ACCEPTED && !sent.contains(key)) {
                // Accepted at RCPT, but the message was not: it did not get the email.
                verdict = new Verdict(Meaning.DEFERRED, null, DeliveryFailure.describe(e), false);
            }
            report.put(address, verdict);
        }
        return report;
    }

    /** No reply code anywhere: a lost connection or a local problem, transient; a malformed address, permanent. */
    private static Verdict withoutReply(Throwable e) {
        if (e instanceof AddressException) {
            return new Verdict(Meaning.FAILED, null, DeliveryFailure.describe(e), false);
        }
        String text = e instanceof Error ? "internal error: " + e : DeliveryFailure.describe(e);
        return new Verdict(Meaning.DEFERRED, null, text, false);
    }

    private void put(String address, Verdict verdict) {
        byKey.put(Recipient.key(address), verdict);
        byAddress.put(address, verdict);
    }

    /** Null when the address was not in the envelope sent. */
    Verdict verdictFor(String address) {
        return byKey.get(Recipient.key(address));
    }

    /** The reply about the transaction as a whole (MAIL FROM, DATA, the final dot), or what ended it. */
    Verdict transaction() {
        return transaction;
    }

    /** By address as the envelope had it, in its order. */
    Map<String, Verdict> verdicts() {
        return byAddress;
    }

    boolean any(Meaning meaning) {
        return byAddress.values().stream().anyMatch(v -> v.meaning() == meaning);
    }

    boolean all(Meaning meaning) {
        return !byAddress.isEmpty() && byAddress.values().stream().allMatch(v -> v.meaning() == meaning);
    }

    /** The first verdict with one of {@code meanings}, in envelope order; the transaction's when none. */
    Verdict first(Meaning... meanings) {
        for (Verdict verdict : byAddress.values()) {
            for (Meaning meaning : meanings) {
                if (verdict.meaning() == meaning) {
                    return verdict;
                }
            }
        }
        return transaction;
    }

    private static List<String> validSent(Throwable e) {
        if (e instanceof SendFailedException sfe && sfe.getValidSentAddresses() != null) {
            return java.util.Arrays.stream(sfe.getValidSentAddresses()).map(TransactionReport::address)
                    .map(Recipient::key).toList();
        }
        return List.of();
    }

    private static Integer returnCode(Throwable t) {
        return MailInternals.replyCode(t, "getReturnCode");
    }

    private static String failedAddress(Throwable t) {
        return MailInternals.call(t, "getAddress") instanceof Address a ? address(a) : null;
    }

    private static String address(Address a) {
        return a instanceof InternetAddress ia ? ia.getAddress() : a.toString();
    }
}
