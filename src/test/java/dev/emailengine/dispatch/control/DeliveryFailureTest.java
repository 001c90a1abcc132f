package dev.emailengine.dispatch.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.net.ConnectException;
import java.net.SocketException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

/** The exceptions here are the ones Angus Mail really throws for these SMTP situations. */
class DeliveryFailureTest {

    @Test
    void a5xxRejectionOfTheRecipientIsPermanentWithItsCode() throws Exception {
        var rcpt = new SMTPAddressFailedException(new InternetAddress("x@example.com"), "RCPT TO:<x@example.com>", 550,
                "550 5.1.1 User unknown");
        var outer = new SendFailedException("Invalid Addresses", rcpt, new Address[0], new Address[0],
                new Address[] {new InternetAddress("x@example.com")});

        DeliveryFailure failure = DeliveryFailure.of(outer);

        assertTrue(failure.permanent());
        assertEquals(550, failure.smtpCode());
        assertTrue(failure.message().contains("User unknown"), failure.message());
    }

    @Test
    void a4xxReplyIsTransient() {
        var e = new SMTPSendFailedException("DATA", 451, "451 4.3.0 Try again later", null, null, null, null);

        DeliveryFailure failure = DeliveryFailure.of(e);

        assertFalse(failure.permanent());
        assertEquals(451, failure.smtpCode());
    }

    @Test
    void failingToConnectOrLogInBlamesTheServerNotTheEmail() {
        var refused = new SmtpUnavailableException(new MessagingException(
                "Couldn't connect to host, port: 127.0.0.1, 1; timeout -1", new ConnectException("Connection refused")));
        var badLogin = new SmtpUnavailableException(new AuthenticationFailedException("535 5.7.8 Authentication failed"));

        for (DeliveryFailure failure : new DeliveryFailure[] {DeliveryFailure.of(refused), DeliveryFailure.of(badLogin)}) {
            assertTrue(failure.serverUnreachable(), failure.toString());
            assertFalse(failure.permanent(), "an outage or a wrong password must not dead-letter mail: " + failure);
        }
    }

    @Test
    void aConnectionLostMidSendIsTransientForThatEmail() {
        var lost = new MessagingException("Exception reading response", new SocketException("Connection reset"));

        DeliveryFailure failure = DeliveryFailure.of(lost);

        assertFalse(failure.permanent());
        assertFalse(failure.serverUnreachable());
    }

    /** What each reply means is SmtpReply's table (SmtpReplyTest); here, that the failure keeps the code and status. */
    @Test
    void aFailureKeepsItsReplyCodeAndEnhancedStatus() {
        var busy = DeliveryFailure.of(new SMTPSendFailedException("MAIL FROM", 421,
                "421 4.7.0 Try again later, closing connection", null, null, null, null));
        assertEquals(421, busy.smtpCode());
        assertFalse(busy.permanent());

        for (String reply : new String[] {"451 4.7.1 Greylisted, try again later", "450 4.7.1 Rate limit exceeded",
                "454 4.7.0 Throttling failure: Maximum sending rate exceeded", "452 4.5.3 Too many recipients"}) {
            var failure = DeliveryFailure.of(new SMTPSendFailedException("DATA", Integer.parseInt(reply.substring(0, 3)),
                    reply, null, null, null, null));
            assertEquals(reply.substring(4, 9), failure.enhancedStatus());
            assertFalse(failure.permanent());
        }
        var policy = DeliveryFailure.of(new SMTPSendFailedException("DATA", 550, "550 5.7.1 Message rejected as spam",
                null, null, null, null));
        assertEquals("5.7.1", policy.enhancedStatus());
        assertTrue(policy.permanent());
    }

    @Test
    void anErrorWhileSendingIsATransientFailureNamingTheError() {
        var failure = DeliveryFailure.of(new OutOfMemoryError("Java heap space"));

        assertFalse(failure.permanent());
        assertFalse(failure.serverUnreachable());
        assertEquals("internal error: java.lang.OutOfMemoryError: Java heap space", failure.message());
    }
}
