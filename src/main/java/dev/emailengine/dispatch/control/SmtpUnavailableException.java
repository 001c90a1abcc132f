package dev.emailengine.dispatch.control;

import jakarta.mail.MessagingException;

/** No SMTP session could be opened: the server's problem (or ours), never the email's. */
public class SmtpUnavailableException extends MessagingException {

    public SmtpUnavailableException(Exception cause) {
        super(DeliveryFailure.describe(cause), cause);
    }
}
