package dev.emailengine.emails.control;

import dev.emailengine.emails.entity.BulkRequest;
import dev.emailengine.emails.entity.EmailRequest;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.suppressions.control.Addresses;
import dev.emailengine.unsubscribe.control.UnsubscribeLinks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one-click unsubscribe parts of an email of a mailing list, per recipient: the
 * {@code unsubscribe_url} template variable and the List-Unsubscribe and List-Unsubscribe-Post
 * headers, both from the same signed link. Added at intake, so the stored email carries them
 * through restarts and retries and DKIM signs them. The engine's link wins over a client's:
 * only it can record the unsubscription the engine then honours. Without links configured,
 * {@code {{unsubscribe_url}}} renders empty (unless the client gave it a value) and no header is
 * added or changed.
 */
final class ListUnsubscribe {

    static final String URL_VARIABLE = "unsubscribe_url";
    static final String COPIES_TITLE = "Copies not allowed on list mail";

    private static final String COPY_REFUSED = "is not allowed on mail of a list while one-click unsubscribe is on"
            + " (PUBLIC_BASE_URL): the List-Unsubscribe link and {{unsubscribe_url}} are the to_email recipient's,"
            + " so whoever reads this copy could unsubscribe that address with one click; send each copy as its own"
            + " email";

    private final UnsubscribeLinks links;

    ListUnsubscribe(UnsubscribeLinks links) {
        this.links = links;
    }

    /**
     * Refuses cc and bcc on an email that gets a link (a 422 naming each, as intake refuses a
     * suppressed recipient): every copy of a message carries the same headers and body, so the
     * {@code to} recipient's one-click link would let a copy's reader, such as a shared archive
     * mailbox on bcc, unsubscribe the {@code to} address. A link per copy would need a message
     * per copy, which is what sending each copy as its own email is. Without links (no list, or
     * no {@code PUBLIC_BASE_URL}) copies are fine: there is nothing to click.
     *
     * @param listId the email's list; null for transactional mail
     * @throws InvalidInputException 422 naming {@code cc[i]} and {@code bcc[i]}
     */
    void refuseCopies(EmailRequest request, String listId) {
        if (listId == null || !links.enabled()) {
            return;
        }
        var errors = new ArrayList<FieldError>();
        for (int i = 0; i < request.cc().size(); i++) {
            errors.add(new FieldError("cc[" + i + "]", COPY_REFUSED));
        }
        for (int i = 0; i < request.bcc().size(); i++) {
            errors.add(new FieldError("bcc[" + i + "]", COPY_REFUSED));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(422, COPIES_TITLE, errors);
        }
    }

    /** A single email's request with its recipient's link as {@code unsubscribe_url}. */
    EmailRequest request(EmailRequest request, String listId) {
        Optional<String> url = url(request.toEmail(), listId);
        if (url.isEmpty() && request.templateVars().containsKey(URL_VARIABLE)) {
            return request;
        }
        return request.forRecipient(request.toEmail(), Map.of(URL_VARIABLE, url.orElse("")));
    }

    /** A bulk's recipients, each with its own link as {@code unsubscribe_url}, laid over the shared variables. */
    BulkRequest bulk(EmailRequest shared, BulkRequest request, String listId) {
        boolean sharedValue = shared.templateVars().containsKey(URL_VARIABLE);
        List<BulkRequest.Recipient> recipients = request.recipients().stream().map(r -> {
            Optional<String> url = url(r.toEmail(), listId);
            if (url.isEmpty() && (sharedValue || r.templateVars().containsKey(URL_VARIABLE))) {
                return r;
            }
            var vars = new LinkedHashMap<>(r.templateVars());
            vars.put(URL_VARIABLE, url.orElse(""));
            return new BulkRequest.Recipient(r.toEmail(), vars);
        }).toList();
        return new BulkRequest(request.toEmail(), request.attachments(), recipients);
    }

    /** The message with the headers of its recipient's link (replacing a client's), or as it was without one. */
    EmailMessage message(EmailMessage message, String listId) {
        Optional<String> url = url(message.toEmail(), listId);
        if (url.isEmpty()) {
            return message;
        }
        var headers = new LinkedHashMap<String, String>();
        message.headers().forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.equals("list-unsubscribe") && !lower.equals("list-unsubscribe-post")) {
                headers.put(name, value);
            }
        });
        headers.putAll(UnsubscribeLinks.headers(url.get()));
        return new EmailMessage(message.toEmail(), message.subject(), message.textBody(), message.htmlBody(),
                message.fromName(), message.cc(), message.bcc(), message.replyTo(), headers, message.attachments());
    }

    private Optional<String> url(String recipient, String listId) {
        return listId == null || recipient == null ? Optional.empty()
                : links.url(Addresses.key(recipient.strip()), listId);
    }
}
