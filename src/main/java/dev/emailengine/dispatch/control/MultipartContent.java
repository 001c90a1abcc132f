package dev.emailengine.dispatch.control;

import jakarta.activation.ActivationDataFlavor;
import jakarta.activation.CommandInfo;
import jakarta.activation.CommandMap;
import jakarta.activation.DataContentHandler;
import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/**
 * Multipart bodies that know how to write themselves.
 *
 * <p>{@code Part.setContent(Multipart)} leaves it to Jakarta Activation to find a handler for
 * {@code multipart/*} in the mail implementation's {@code META-INF/mailcap}. Whether an
 * application's class loader can see that file is up to the server: on WildFly it cannot, and
 * every multipart email failed with "no object DCH for MIME type multipart/alternative". A
 * {@link DataHandler} made here carries its own command map instead, so the same WAR composes
 * the same bytes on every server.
 */
final class MultipartContent extends CommandMap {

    private static final MultipartContent COMMANDS = new MultipartContent();
    private static final CommandInfo[] NO_COMMANDS = new CommandInfo[0];

    private MultipartContent() {
    }

    /** Does what {@code part.setContent(multipart)} does, with a handler that needs no look-up. */
    static void setContent(Part part, Multipart multipart) throws MessagingException {
        part.setDataHandler(handlerOf(multipart));
        multipart.setParent(part);
    }

    private static DataHandler handlerOf(Multipart multipart) {
        var handler = new DataHandler(multipart, multipart.getContentType());
        handler.setCommandMap(COMMANDS);
        return handler;
    }

    @Override
    public DataContentHandler createDataContentHandler(String mimeType) {
        return mimeType != null && mimeType.toLowerCase(Locale.ROOT).startsWith("multipart/")
                ? new Writer() : null;
    }

    @Override
    public CommandInfo[] getPreferredCommands(String mimeType) {
        return NO_COMMANDS;
    }

    @Override
    public CommandInfo[] getAllCommands(String mimeType) {
        return NO_COMMANDS;
    }

    @Override
    public CommandInfo getCommand(String mimeType, String cmdName) {
        return null;
    }

    /** What Angus Mail's own multipart handler does, without needing to be found. */
    private static final class Writer implements DataContentHandler {

        @Override
        public ActivationDataFlavor[] getTransferDataFlavors() {
            return new ActivationDataFlavor[0];
        }

        @Override
        public Object getTransferData(ActivationDataFlavor flavor, DataSource source) {
            return null;
        }

        @Override
        public Object getContent(DataSource source) throws IOException {
            try {
                return new MimeMultipart(source);
            } catch (MessagingException e) {
                throw new IOException("Unreadable multipart body", e);
            }
        }

        @Override
        public void writeTo(Object content, String mimeType, OutputStream out) throws IOException {
            if (!(content instanceof Multipart multipart)) {
                throw new IOException("Expected a Multipart for " + mimeType + ", got " + content.getClass().getName());
            }
            try {
                multipart.writeTo(out);
            } catch (MessagingException e) {
                throw new IOException("Could not write " + mimeType + " body", e);
            }
        }
    }
}
