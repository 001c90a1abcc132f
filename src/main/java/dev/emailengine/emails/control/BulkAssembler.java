package dev.emailengine.emails.control;

import dev.emailengine.emails.entity.BulkRequest;
import dev.emailengine.emails.entity.EmailRequest;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.entity.EmailMessage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * {@code POST /emails}: one message shape (template or subject/body) for up to
 * {@value BulkRequest#MAX_RECIPIENTS} recipients, each with its own variables. Validated all or nothing:
 * one bad recipient refuses the whole request, naming it by index.
 */
public class BulkAssembler {

    /** A request with thousands of faults needs the first few, not a megabyte of errors. */
    static final int MAX_REPORTED_ERRORS = 100;

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

    /**
     * Every recipient's message, or an exception naming every recipient at fault. Stops with a 413
     * as soon as the bodies rendered so far pass {@code MAX_BULK_BYTES}, before rendering the rest.
     */
    public List<EmailMessage> assemble(EmailRequest shared, BulkRequest request) {
        var messages = new ArrayList<EmailMessage>(request.recipients().size());
        var sizes = new BodySizes();
        // Shared faults (a bad subject, an unknown template) would repeat for every recipient: report once.
        var errors = new LinkedHashSet<FieldError>();
        int status = 400;
        for (int i = 0; i < request.recipients().size() && errors.size() < MAX_REPORTED_ERRORS; i++) {
            BulkRequest.Recipient recipient = request.recipients().get(i);
            try {
                messages.add(assembler.assemble(shared.forRecipient(recipient.toEmail(),
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
