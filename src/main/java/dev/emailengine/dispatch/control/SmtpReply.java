package dev.emailengine.dispatch.control;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMTP reply as the server sent it: the basic code, the RFC 3463 enhanced status code after
 * it when there is one ({@code 550 5.1.1 user unknown}: class 5, subject 1, detail 1), and the
 * text, and what it means for the recipient or email it answered ({@link #meaning()}).
 */
public record SmtpReply(int code, EnhancedStatus enhanced, String text) {

    private static final Pattern REPLY = Pattern.compile(
            "^\\s*([2-5]\\d\\d)(?:[ -]+([2-5])\\.(\\d{1,3})\\.(\\d{1,3})(?=\\s|$))?", Pattern.DOTALL);

    /** {@code class.subject.detail}; RFC 3463 limits subject and detail to three digits. */
    public record EnhancedStatus(int statusClass, int subject, int detail) {
        @Override
        public String toString() {
            return statusClass + "." + subject + "." + detail;
        }
    }

    /** What a reply means for the recipient (or the whole email) it answered. */
    public enum Meaning {
        /** 2xx. */
        ACCEPTED,
        /**
         * 421 (the server closes the channel), any 4.7.x (rate limits, greylisting) and 452 4.5.3
         * (too many recipients): the server slows us down; no fault of the email or the address.
         */
        THROTTLED,
        /** Any other 4xx: try again later, spending a retry. */
        DEFERRED,
        /** 5.1.x: the address does not exist; a hard bounce. */
        BOUNCED,
        /** 5.7.x: refused by policy (spam, authentication, relaying); says nothing about the address. */
        REFUSED_BY_POLICY,
        /** Any other 5xx: retrying cannot help. */
        FAILED
    }

    /** The reply at the head of {@code text}, or null when it does not start with a reply code. */
    public static SmtpReply parse(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = REPLY.matcher(text);
        if (!m.find()) {
            return null;
        }
        EnhancedStatus enhanced = m.group(2) == null ? null
                : new EnhancedStatus(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                        Integer.parseInt(m.group(4)));
        return new SmtpReply(Integer.parseInt(m.group(1)), enhanced, text.strip());
    }

    /**
     * A reply whose code is known apart from its text (Jakarta Mail's {@code getReturnCode()});
     * the enhanced status still comes from the text, and only when its class matches the code's.
     */
    public static SmtpReply of(int code, String text) {
        SmtpReply parsed = parse(text);
        EnhancedStatus enhanced = parsed != null && parsed.code == code ? parsed.enhanced : null;
        return new SmtpReply(code, enhanced, text == null ? String.valueOf(code) : text.strip());
    }

    public String enhancedStatus() {
        return enhanced == null ? null : enhanced.toString();
    }

    public Meaning meaning() {
        if (code < 400) {
            return Meaning.ACCEPTED;
        }
        // The basic code decides the class; a contradicting enhanced class is ignored (RFC 3463 §2).
        boolean consistent = enhanced != null && enhanced.statusClass() == code / 100;
        int subject = consistent ? enhanced.subject() : -1;
        int detail = consistent ? enhanced.detail() : -1;
        if (code < 500) {
            boolean throttled = code == 421 || subject == 7 || (code == 452 && subject == 5 && detail == 3);
            return throttled ? Meaning.THROTTLED : Meaning.DEFERRED;
        }
        return switch (subject) {
            case 1 -> Meaning.BOUNCED;
            case 7 -> Meaning.REFUSED_BY_POLICY;
            default -> Meaning.FAILED;
        };
    }

    /** {@code 421}: speaks for the server as a whole, whatever command it answered. */
    public boolean serverWide() {
        return code == 421;
    }
}
