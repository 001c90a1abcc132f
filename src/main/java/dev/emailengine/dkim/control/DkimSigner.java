package dev.emailengine.dkim.control;

import dev.emailengine.dkim.entity.DkimAlgorithm;
import dev.emailengine.dkim.entity.DkimKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Adds a DKIM-Signature (RFC 6376; Ed25519 per RFC 8463) to a message given as the bytes the
 * transport will send, {@code c=relaxed/relaxed}. The message is first brought to CRLF line
 * endings, as SMTP sends it, so the signed bytes are the bytes that leave.
 */
public final class DkimSigner {

    /**
     * Signed when present (RFC 6376 5.4.1's recommendation plus RFC 8058's pair: a signature that
     * leaves {@code List-Unsubscribe-Post} out disables one-click unsubscribe at Gmail).
     */
    static final List<String> SIGNED_HEADERS = List.of("From", "To", "Cc", "Subject", "Date", "Message-ID",
            "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Reply-To", "List-Unsubscribe",
            "List-Unsubscribe-Post");
    private static final int LINE_WIDTH = 76;

    private DkimSigner() {
    }

    /** The message with its signature first. */
    public static byte[] sign(byte[] message, DkimKey key, Instant now) {
        byte[] crlf = withCrlfLineEndings(message);
        String text = new String(crlf, StandardCharsets.ISO_8859_1);
        int headerEnd = text.indexOf("\r\n\r\n");
        int bodyStart = headerEnd < 0 ? crlf.length : headerEnd + 4;
        List<String> fields = fields(headerEnd < 0 ? text : text.substring(0, headerEnd + 2));

        var signed = new ArrayList<String>();
        var hashed = new StringBuilder();
        for (String name : SIGNED_HEADERS) {
            String field = lastField(fields, name);
            if (field != null) {
                signed.add(name.toLowerCase(Locale.ROOT));
                hashed.append(RelaxedCanonicalization.header(field));
            }
        }
        String bodyHash = Base64.getEncoder().encodeToString(sha256(RelaxedCanonicalization.body(crlf, bodyStart)));
        String unsigned = folded("DKIM-Signature: v=1; a=" + key.algorithm().tag() + "; c=relaxed/relaxed; d="
                + key.domain() + "; s=" + key.selector() + "; t=" + now.getEpochSecond() + "; h="
                + String.join(":", signed) + "; bh=" + bodyHash + "; b=");
        String header = RelaxedCanonicalization.header(unsigned);
        hashed.append(header, 0, header.length() - 2); // the signature's own field: no CRLF
        String signature = Base64.getEncoder().encodeToString(signature(key, hashed.toString()));

        var out = new ByteArrayOutputStream(crlf.length + 1024);
        out.writeBytes(withValue(unsigned, signature).getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(crlf);
        return out.toByteArray();
    }

    private static byte[] signature(DkimKey key, String headers) {
        byte[] data = headers.getBytes(StandardCharsets.ISO_8859_1);
        try {
            if (key.algorithm() == DkimAlgorithm.ED25519_SHA256) {
                // RFC 8463: PureEdDSA over the SHA-256 of what RSA would sign.
                Signature ed = Signature.getInstance("Ed25519");
                ed.initSign(key.privateKey());
                ed.update(sha256(data));
                return ed.sign();
            }
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key.privateKey());
            rsa.update(data);
            return rsa.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + key + ": " + e.getMessage(), e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** Header fields in order, each with its folding but without its final CRLF. */
    private static List<String> fields(String headers) {
        var fields = new ArrayList<String>();
        int start = 0;
        while (start < headers.length()) {
            int end = headers.indexOf("\r\n", start);
            while (end >= 0 && end + 2 < headers.length() && isWhitespace(headers.charAt(end + 2))) {
                end = headers.indexOf("\r\n", end + 2);
            }
            if (end < 0) {
                end = headers.length();
            }
            String field = headers.substring(start, end);
            if (field.indexOf(':') > 0) {
                fields.add(field);
            }
            start = end + 2;
        }
        return fields;
    }

    /** RFC 6376 5.4.2: with one instance signed, it is the last one. */
    private static String lastField(List<String> fields, String name) {
        for (int i = fields.size() - 1; i >= 0; i--) {
            String field = fields.get(i);
            if (field.substring(0, field.indexOf(':')).strip().equalsIgnoreCase(name)) {
                return field;
            }
        }
        return null;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    /** Folds between tags so no line passes {@value #LINE_WIDTH} characters where it can help it. */
    private static String folded(String header) {
        var out = new StringBuilder();
        int lineLength = 0;
        for (String tag : header.split("(?<=;) ")) {
            if (lineLength > 0 && lineLength + 1 + tag.length() > LINE_WIDTH) {
                out.append("\r\n\t");
                lineLength = 1;
            } else if (lineLength > 0) {
                out.append(' ');
                lineLength++;
            }
            out.append(tag);
            lineLength += tag.length();
        }
        return out.toString();
    }

    /** The signature's field with the {@code b=} value, folded; verifiers ignore the folding in it. */
    private static String withValue(String unsigned, String signature) {
        var out = new StringBuilder(unsigned);
        int lineLength = unsigned.length() - unsigned.lastIndexOf('\n');
        for (int i = 0; i < signature.length();) {
            int room = Math.max(8, LINE_WIDTH - lineLength);
            int end = Math.min(signature.length(), i + room);
            out.append(signature, i, end);
            i = end;
            if (i < signature.length()) {
                out.append("\r\n\t");
                lineLength = 1;
            }
        }
        return out.append("\r\n").toString();
    }

    /** Bare CR or LF become CRLF, as SMTP would send them. */
    static byte[] withCrlfLineEndings(byte[] message) {
        if (hasOnlyCrlf(message)) {
            return message; // what Jakarta Mail writes: no copy
        }
        var out = new ByteArrayOutputStream(message.length + 64);
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == '\r') {
                out.write('\r');
                out.write('\n');
                if (i + 1 < message.length && message[i + 1] == '\n') {
                    i++;
                }
            } else if (b == '\n') {
                out.write('\r');
                out.write('\n');
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    private static boolean hasOnlyCrlf(byte[] message) {
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\r' ? i + 1 == message.length || message[i + 1] != '\n'
                    : message[i] == '\n' && (i == 0 || message[i - 1] != '\r')) {
                return false;
            }
        }
        return true;
    }
}
