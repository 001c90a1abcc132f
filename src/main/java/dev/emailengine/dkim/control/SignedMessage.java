package dev.emailengine.dkim.control;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A signed message: it reads like the message it was made from, and writes exactly the bytes
 * that were signed. Nothing may change a signed message, so saving changes does nothing and the
 * transport's list of headers to leave out is not applied (the composer never writes Bcc).
 */
final class SignedMessage extends MimeMessage {

    private final byte[] bytes;

    SignedMessage(Session session, byte[] bytes) throws MessagingException {
        super(session, new SharedByteArrayInputStream(bytes)); // parsed in place: the content is not copied
        this.bytes = bytes;
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreList) throws IOException {
        out.write(bytes);
    }

    @Override
    public void saveChanges() {
        // signed: any change would break the signature
    }

    @Override
    public int getSize() {
        return bytes.length;
    }
}
