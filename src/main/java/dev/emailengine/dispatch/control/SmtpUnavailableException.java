package dev.emailengine.dispatch.control;

import jakarta.mail.MessagingException;

/** No SMTP session could be opened: the server's problem (or ours), never the email's. */
public class SmtpUnavailableException extends MessagingException {

    public SmtpUnavailableException(Exception cause) {
        super(describe(cause), cause);
    }

    private static String describe(Exception cause) {
        String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage().strip();
        if (cause instanceof MessagingException me && me.getNextException() != null
                && me.getNextException().getMessage() != null) {
            text = text + " (" + me.getNextException().getMessage().strip() + ")";
        }
        return text;
    }
}
