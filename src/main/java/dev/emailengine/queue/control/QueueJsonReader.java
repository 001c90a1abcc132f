package dev.emailengine.queue.control;

import dev.emailengine.queue.entity.Attachment;
import dev.emailengine.queue.entity.Attempt;
import dev.emailengine.queue.entity.EmailMessage;
import dev.emailengine.queue.entity.QueuedEmail;
import dev.emailengine.queue.entity.Recipient;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The streaming reader of a queue file's email, the counterpart of {@link QueueJson#write}. Each
 * method is called with the parser just past the START_OBJECT of what it reads and returns at its
 * END_OBJECT. A JSON null is an absent field; any other value of the wrong type is refused.
 */
final class QueueJsonReader {

    private QueueJsonReader() {
    }

    static QueuedEmail email(JsonParser json) {
        int version = 0;
        String id = null;
        int priority = 0;
        Instant createdAt = null;
        int retryCount = 0;
        int maxRetries = 0;
        Instant nextAttemptAt = null;
        EmailMessage message = null;
        String templateName = null;
        List<Attempt> attempts = List.of();
        List<Recipient> recipients = List.of();
        while (json.next() == Event.KEY_NAME) {
            String key = json.getString();
            Event value = json.next();
            switch (key) {
                case "version" -> version = number(json, value, 0);
                case "id" -> id = text(json, value);
                case "priority" -> priority = number(json, value, 0);
                case "created_at" -> createdAt = instant(json, value);
                case "retry_count" -> retryCount = number(json, value, 0);
                case "max_retries" -> maxRetries = number(json, value, 0);
                case "next_attempt_at" -> nextAttemptAt = instant(json, value);
                case "message" -> message = value == Event.VALUE_NULL ? null : message(json, value);
                case "template_name" -> templateName = text(json, value);
                case "attempts" -> attempts = value == Event.VALUE_NULL ? List.of() : attempts(json, value);
                case "recipients" -> recipients = value == Event.VALUE_NULL ? List.of() : recipients(json, value);
                default -> skip(json, value);
            }
        }
        return new QueuedEmail(version, id, priority, createdAt, retryCount, maxRetries, nextAttemptAt, message,
                templateName, attempts, recipients);
    }

    private static EmailMessage message(JsonParser json, Event start) {
        expect(start, Event.START_OBJECT);
        String toEmail = null;
        String subject = null;
        String textBody = null;
        String htmlBody = null;
        String fromName = null;
        List<String> cc = null;
        List<String> bcc = null;
        List<String> replyTo = null;
        Map<String, String> headers = null;
        List<Attachment> attachments = null;
        while (json.next() == Event.KEY_NAME) {
            String key = json.getString();
            Event value = json.next();
            switch (key) {
                case "to_email" -> toEmail = text(json, value);
                case "subject" -> subject = text(json, value);
                case "text_body" -> textBody = text(json, value);
                case "html_body" -> htmlBody = text(json, value);
                case "from_name" -> fromName = text(json, value);
                case "cc" -> cc = texts(json, value);
                case "bcc" -> bcc = texts(json, value);
                case "reply_to" -> replyTo = texts(json, value);
                case "headers" -> headers = headers(json, value);
                case "attachments" -> attachments = attachments(json, value);
                default -> skip(json, value);
            }
        }
        return new EmailMessage(toEmail, subject, textBody, htmlBody, fromName, cc, bcc, replyTo, headers,
                attachments);
    }

    private static List<Attempt> attempts(JsonParser json, Event start) {
        expect(start, Event.START_ARRAY);
        var attempts = new ArrayList<Attempt>();
        for (Event item = json.next(); item != Event.END_ARRAY; item = json.next()) {
            expect(item, Event.START_OBJECT);
            Instant at = null;
            Attempt.Outcome outcome = null;
            Integer smtpCode = null;
            String message = null;
            String enhancedStatus = null;
            Integer count = null;
            Instant firstAt = null;
            while (json.next() == Event.KEY_NAME) {
                String key = json.getString();
                Event value = json.next();
                switch (key) {
                    case "at" -> at = instant(json, value);
                    case "outcome" -> {
                        String name = text(json, value);
                        outcome = name == null ? null : Attempt.Outcome.valueOf(name);
                    }
                    case "smtp_code" -> smtpCode = value == Event.VALUE_NULL ? null : number(json, value, 0);
                    case "message" -> message = text(json, value);
                    case "enhanced_status" -> enhancedStatus = text(json, value);
                    case "count" -> count = value == Event.VALUE_NULL ? null : number(json, value, 1);
                    case "first_at" -> firstAt = instant(json, value);
                    default -> skip(json, value);
                }
            }
            attempts.add(new Attempt(at, outcome, smtpCode, message, enhancedStatus, count, firstAt));
        }
        return attempts;
    }

    private static List<Recipient> recipients(JsonParser json, Event start) {
        expect(start, Event.START_ARRAY);
        var recipients = new ArrayList<Recipient>();
        for (Event item = json.next(); item != Event.END_ARRAY; item = json.next()) {
            expect(item, Event.START_OBJECT);
            String address = null;
            Recipient.Kind kind = null;
            Recipient.State state = null;
            String reply = null;
            String enhancedStatus = null;
            Instant updatedAt = null;
            while (json.next() == Event.KEY_NAME) {
                String key = json.getString();
                Event value = json.next();
                switch (key) {
                    case "address" -> address = text(json, value);
                    case "kind" -> kind = Recipient.Kind.valueOf(expectText(json, value));
                    case "state" -> state = Recipient.State.valueOf(expectText(json, value));
                    case "reply" -> reply = text(json, value);
                    case "enhanced_status" -> enhancedStatus = text(json, value);
                    case "updated_at" -> updatedAt = instant(json, value);
                    default -> skip(json, value);
                }
            }
            if (address == null || kind == null || state == null) {
                throw new IllegalArgumentException("a recipient needs an address, a kind and a state");
            }
            recipients.add(new Recipient(address, kind, state, reply, enhancedStatus, updatedAt));
        }
        return recipients;
    }

    private static List<Attachment> attachments(JsonParser json, Event value) {
        if (value == Event.VALUE_NULL) {
            return null;
        }
        expect(value, Event.START_ARRAY);
        var attachments = new ArrayList<Attachment>();
        for (Event item = json.next(); item != Event.END_ARRAY; item = json.next()) {
            expect(item, Event.START_OBJECT);
            String filename = null;
            String contentType = null;
            String content = null;
            while (json.next() == Event.KEY_NAME) {
                String key = json.getString();
                Event field = json.next();
                switch (key) {
                    case "filename" -> filename = text(json, field);
                    case "content_type" -> contentType = text(json, field);
                    case "content_base64" -> content = text(json, field);
                    default -> skip(json, field);
                }
            }
            attachments.add(new Attachment(filename, contentType, content));
        }
        return attachments;
    }

    private static Map<String, String> headers(JsonParser json, Event value) {
        if (value == Event.VALUE_NULL) {
            return null;
        }
        expect(value, Event.START_OBJECT);
        var headers = new LinkedHashMap<String, String>();
        while (json.next() == Event.KEY_NAME) {
            String name = json.getString();
            headers.put(name, text(json, json.next()));
        }
        return headers;
    }

    private static List<String> texts(JsonParser json, Event value) {
        if (value == Event.VALUE_NULL) {
            return null;
        }
        expect(value, Event.START_ARRAY);
        var texts = new ArrayList<String>();
        for (Event item = json.next(); item != Event.END_ARRAY; item = json.next()) {
            texts.add(text(json, item));
        }
        return texts;
    }

    private static String text(JsonParser json, Event value) {
        if (value == Event.VALUE_NULL) {
            return null;
        }
        return json.getString(); // IllegalStateException for anything but a string or number: corrupt
    }

    private static int number(JsonParser json, Event value, int absent) {
        if (value == Event.VALUE_NULL) {
            return absent;
        }
        expect(value, Event.VALUE_NUMBER);
        long number = json.isIntegralNumber() ? json.getLong() : Long.MIN_VALUE;
        if (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a whole number in the int range was expected");
        }
        return (int) number;
    }

    private static Instant instant(JsonParser json, Event value) {
        return value == Event.VALUE_NULL ? null : Instant.parse(expectText(json, value));
    }

    private static String expectText(JsonParser json, Event value) {
        expect(value, Event.VALUE_STRING);
        return json.getString();
    }

    private static Event expect(Event actual, Event expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("expected " + expected + ", found " + actual);
        }
        return actual;
    }

    static void skip(JsonParser json, Event value) {
        if (value == Event.START_OBJECT) {
            json.skipObject();
        } else if (value == Event.START_ARRAY) {
            json.skipArray();
        }
    }
}
