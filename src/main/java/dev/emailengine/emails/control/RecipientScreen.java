package dev.emailengine.emails.control;

import dev.emailengine.emails.entity.AcceptedBatch;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.suppressions.entity.Suppression;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Intake's check against the suppression list, after validation and before anything is queued:
 * every recipient of a request (to, cc, bcc; all of a bulk's) in one lookup, so the cost of a
 * request does not grow with the list. An entry for all mail stops every email; an entry scoped
 * to a list (an unsubscription) stops only the emails of that list.
 */
public class RecipientScreen {

    /** A bulk's outcome: the emails to queue, and the recipients left out. */
    public record Screened(List<EmailMessage> kept, List<AcceptedBatch.Suppressed> suppressed) {
    }

    private final BiFunction<Collection<String>, String, Map<String, Suppression>> lookup;

    /**
     * @param lookup the suppressed among the given addresses for mail of a list (null: no list),
     *            keyed by the address as given
     */
    public RecipientScreen(BiFunction<Collection<String>, String, Map<String, Suppression>> lookup) {
        this.lookup = lookup;
    }

    /**
     * {@code POST /email}: any suppressed recipient refuses the email with a 422 naming each.
     *
     * @param listId the email's list; null for transactional mail
     */
    public void single(EmailMessage message, String listId) {
        var fields = new LinkedHashMap<String, String>();
        fields.put("to_email", message.toEmail());
        addShared(message, fields);
        refuseSuppressed(fields, lookup.apply(new LinkedHashSet<>(fields.values()), listId));
    }

    /**
     * {@code POST /emails}: suppressed recipients are left out and listed; a suppressed cc or
     * bcc, which every recipient's email would carry, refuses the whole request.
     */
    public Screened bulk(List<EmailMessage> messages, String listId) {
        if (messages.isEmpty()) {
            return new Screened(messages, List.of());
        }
        var shared = new LinkedHashMap<String, String>();
        addShared(messages.get(0), shared);
        var addresses = new LinkedHashSet<>(shared.values());
        messages.forEach(m -> addresses.add(m.toEmail()));
        Map<String, Suppression> found = lookup.apply(addresses, listId);
        if (found.isEmpty()) {
            return new Screened(messages, List.of());
        }
        refuseSuppressed(shared, found);
        var kept = new ArrayList<EmailMessage>(messages.size());
        var suppressed = new ArrayList<AcceptedBatch.Suppressed>();
        for (EmailMessage message : messages) {
            Suppression entry = found.get(message.toEmail());
            if (entry == null) {
                kept.add(message);
            } else {
                suppressed.add(new AcceptedBatch.Suppressed(message.toEmail(), reason(entry)));
            }
        }
        return new Screened(kept, suppressed);
    }

    /** Those of a bulk's recipients that are on the list, in order, with their reasons. */
    public List<AcceptedBatch.Suppressed> suppressedAmong(List<String> recipients, String listId) {
        Map<String, Suppression> found = lookup.apply(new LinkedHashSet<>(recipients), listId);
        return recipients.stream().filter(found::containsKey)
                .map(to -> new AcceptedBatch.Suppressed(to, reason(found.get(to)))).toList();
    }

    private static void addShared(EmailMessage message, Map<String, String> fields) {
        for (int i = 0; i < message.cc().size(); i++) {
            fields.put("cc[" + i + "]", message.cc().get(i));
        }
        for (int i = 0; i < message.bcc().size(); i++) {
            fields.put("bcc[" + i + "]", message.bcc().get(i));
        }
    }

    private static void refuseSuppressed(Map<String, String> fields, Map<String, Suppression> found) {
        var errors = new ArrayList<FieldError>();
        fields.forEach((field, address) -> {
            Suppression entry = found.get(address);
            if (entry != null) {
                errors.add(new FieldError(field, "is on the suppression list: " + reason(entry)));
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidInputException(422, "Suppressed recipient", errors);
        }
    }

    private static String reason(Suppression entry) {
        String why = entry.reason() != null ? entry.reason()
                : Suppression.BOUNCE.equals(entry.source()) ? "it bounced" : "added by an operator";
        return why + (entry.isGlobal() ? "" : " from list " + entry.listId()) + " (since " + entry.createdAt() + ")";
    }
}
