package dev.emailengine.emails.control;

import dev.emailengine.emails.entity.BulkRequest;
import dev.emailengine.emails.entity.EmailRequest;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.templates.control.TemplateVars;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /emails}: one message shape (template or subject/body) for up to
 * {@value #MAX_RECIPIENTS} recipients, each with its own variables. Validated all or nothing:
 * one bad recipient refuses the whole request, naming it by index.
 */
public class BulkAssembler {

    public static final int MAX_RECIPIENTS = 1000;
    /** A request with thousands of faults needs the first few, not a megabyte of errors. */
    static final int MAX_REPORTED_ERRORS = 100;

    private final EmailRequestParser parser = new EmailRequestParser();
    private final EmailAssembler assembler;
    private final long maxBulkBytes;

    /**
     * @param maxBulkBytes what all recipients' rendered bodies may add up to ({@code MAX_BULK_BYTES}):
     *            every recipient's email is held, encoded and stored on its own, so this bounds
     *            the memory and disk one request can take
     */
    public BulkAssembler(EmailAssembler assembler, long maxBulkBytes) {
        this.assembler = assembler;
        this.maxBulkBytes = maxBulkBytes;
    }

    public BulkRequest parse(JsonObject json) {
        var errors = new ArrayList<FieldError>();
        EmailRequest shared = parser.parse(json, errors);
        if (json.containsKey("to_email")) {
            errors.add(new FieldError("to_email", "is not used by POST /emails; list recipients instead"));
        }
        if (!shared.attachments().isEmpty()) {
            // Every recipient's queue file would carry its own copy; send attachments with POST /email.
            errors.add(new FieldError("attachments", "are not supported in bulk; send them with POST /email"));
        }
        List<JsonObject> items = JsonFields.objects(json, "recipients", errors);
        if (!json.containsKey("recipients") || (items.isEmpty() && errors.isEmpty())) {
            errors.add(new FieldError("recipients", "must list 1 to " + MAX_RECIPIENTS + " recipients"));
        } else if (items.size() > MAX_RECIPIENTS) {
            throw new InvalidInputException(413, "Request too large", List.of(new FieldError("recipients",
                    "lists " + items.size() + " recipients; at most " + MAX_RECIPIENTS + " per request")));
        }
        var recipients = new ArrayList<BulkRequest.Recipient>();
        for (int i = 0; i < items.size() && errors.size() < MAX_REPORTED_ERRORS; i++) {
            String prefix = "recipients[" + i + "].";
            JsonObject item = items.get(i);
            String to = JsonFields.string(item.get("to_email"), prefix + "to_email", errors);
            Map<String, String> vars = TemplateVars.parse(item.get("template_vars"), prefix + "template_vars", errors);
            recipients.add(new BulkRequest.Recipient(to, vars));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(400, "Invalid request", errors);
        }
        return new BulkRequest(shared, recipients);
    }

    /**
     * Every recipient's message, or an exception naming every recipient at fault. Stops with a 413
     * as soon as the bodies rendered so far pass {@code MAX_BULK_BYTES}, before rendering the rest.
     */
    public List<EmailMessage> assemble(BulkRequest request) {
        var messages = new ArrayList<EmailMessage>(request.recipients().size());
        var sizes = new BodySizes();
        // Shared faults (a bad subject, an unknown template) would repeat for every recipient: report once.
        var errors = new LinkedHashSet<FieldError>();
        int status = 400;
        for (int i = 0; i < request.recipients().size() && errors.size() < MAX_REPORTED_ERRORS; i++) {
            BulkRequest.Recipient recipient = request.recipients().get(i);
            try {
                messages.add(assembler.assemble(request.shared().forRecipient(recipient.toEmail(),
                        recipient.templateVars())));
            } catch (InvalidInputException e) {
                status = Math.max(status, e.status());
                for (FieldError error : e.errors()) {
                    errors.add(isPerRecipient(error.field())
                            ? new FieldError("recipients[" + i + "]." + error.field(), error.message()) : error);
                }
                continue;
            }
            if (sizes.add(messages.get(messages.size() - 1)) > maxBulkBytes) {
                throw InvalidInputException.tooLarge("recipients", "the recipients' bodies add up to more than "
                        + maxBulkBytes + " bytes (MAX_BULK_BYTES) at recipient " + i
                        + "; split the recipients over several requests");
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(status, status == 413 ? "Request too large" : "Invalid request",
                    List.copyOf(errors));
        }
        return messages;
    }

    /**
     * Adds up UTF-8 body sizes. A body every recipient shares (a bulk without a template) is one
     * String, measured once however many recipients use it.
     */
    static final class BodySizes {
        private String lastText;
        private long lastTextBytes;
        private String lastHtml;
        private long lastHtmlBytes;
        private long total;

        long add(EmailMessage message) {
            if (message.textBody() != lastText) {
                lastText = message.textBody();
                lastTextBytes = utf8Length(lastText);
            }
            if (message.htmlBody() != lastHtml) {
                lastHtml = message.htmlBody();
                lastHtmlBytes = utf8Length(lastHtml);
            }
            total += lastTextBytes + lastHtmlBytes;
            return total;
        }
    }

    /** The UTF-8 size of a string without encoding it. */
    static long utf8Length(String text) {
        if (text == null) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static boolean isPerRecipient(String field) {
        return field.equals("to_email") || field.startsWith("template_vars");
    }
}
