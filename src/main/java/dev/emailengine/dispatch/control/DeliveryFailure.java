package dev.emailengine.dispatch.control;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a failed send means for the email. SMTP 5xx replies and addresses the server rejects are
 * permanent: retrying cannot help. 4xx replies, lost connections and timeouts are transient. A
 * connection lost after DATA was sent is ambiguous and counts as transient: the resend carries
 * the same Message-ID, so receivers can drop the duplicate. Failing to connect or log in at all
 * ({@code serverUnreachable}) is the server's outage, not the email's failure. {@code enhancedStatus}
 * is the RFC 3463 code after the reply code ({@code 4.7.1}), when the server sent one.
 */
public record DeliveryFailure(boolean permanent, Integer smtpCode, String message, boolean serverUnreachable,
        String enhancedStatus) {

    private static final Pattern LEADING_CODE = Pattern.compile("^\\s*([245]\\d\\d)[\\s-]");

    /** Anything a send can throw, an {@link Error} included: it is then a transient failure of that email. */
    public static DeliveryFailure of(Throwable e) {
        Integer code = smtpCode(e);
        String text = describe(e);
        String enhanced = enhancedStatus(e);
        if (e instanceof SmtpUnavailableException) {
            return new DeliveryFailure(false, code, text, true, enhanced);
        }
        if (code != null) {
            return new DeliveryFailure(code >= 500, code, text, false, enhanced);
        }
        if (e instanceof AddressException) {
            return new DeliveryFailure(true, null, text, false, null);
        }
        if (e instanceof SendFailedException sfe && sfe.getInvalidAddresses() != null
                && sfe.getInvalidAddresses().length > 0) {
            return new DeliveryFailure(true, null, text, false, null);
        }
        if (e instanceof Error) {
            text = "internal error: " + e;
        }
        return new DeliveryFailure(false, null, text, false, null);
    }

    /**
     * The reply code, through the standard API only: Jakarta Mail implementations expose it as
     * {@code getReturnCode()} on their SMTP exceptions (not part of the API), and put the reply
     * text in the message, which starts with the code.
     */
    static Integer smtpCode(Throwable e) {
        for (Throwable t = e; t != null; t = next(t)) {
            Integer code = MailInternals.replyCode(t, "getReturnCode");
            if (code != null) {
                return code;
            }
            if (t.getMessage() != null) {
                Matcher m = LEADING_CODE.matcher(t.getMessage());
                if (m.find()) {
                    return Integer.valueOf(m.group(1));
                }
            }
        }
        return null;
    }

    static String enhancedStatus(Throwable e) {
        for (Throwable t = e; t != null; t = next(t)) {
            SmtpReply reply = SmtpReply.parse(t.getMessage());
            if (reply != null && reply.enhanced() != null) {
                return reply.enhancedStatus();
            }
        }
        return null;
    }

    static Throwable next(Throwable t) {
        if (t instanceof MessagingException me && me.getNextException() != null && me.getNextException() != t) {
            return me.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    /**
     * A failure's text for logs, health and attempt records: its message, and the next (or
     * causing) exception's where Jakarta Mail hides the server's reply, at most 500 characters.
     */
    public static String describe(Throwable e) {
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        Throwable cause = next(e);
        if (cause != null && cause.getMessage() != null && !text.contains(cause.getMessage())) {
            text = text + " (" + cause.getMessage().strip() + ")";
        }
        return text.length() > 500 ? text.substring(0, 500) : text;
    }
}
