package dev.emailengine.dkim.control;

import dev.emailengine.dkim.entity.DkimAlgorithm;
import dev.emailengine.dkim.entity.DkimKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

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
    /**
     * Listed once more than the message has them (RFC 6376 8.15): a second From, a Subject, a
     * Reply-To or an unsubscribe link added on the way then fails verification instead of
     * being shown next to a valid signature.
     */
    static final Set<String> OVERSIGNED = Set.of("From", "To", "Cc", "Subject", "Reply-To", "List-Unsubscribe",
            "List-Unsubscribe-Post");
    private static final int LINE_WIDTH = 76;

    private DkimSigner() {
    }

    /** The message with its signature first. */
    public static byte[] sign(byte[] message, DkimKey key, Instant now) {
        return sign(message, message.length, key, now);
    }

    /**
     * The first {@code length} bytes of {@code message}, signed: one copy of the message is
     * made, the one returned (and one more when its line endings need mending).
     */
    static byte[] sign(byte[] message, int length, DkimKey key, Instant now) {
        byte[] crlf = message;
        if (!hasOnlyCrlf(message, length)) {
            crlf = withCrlfLineEndings(message, length);
            length = crlf.length;
        }
        int headerEnd = headerEnd(crlf, length);
        int bodyStart = headerEnd < 0 ? length : headerEnd + 4;
        List<String> fields = fields(new String(crlf, 0, headerEnd < 0 ? length : headerEnd + 2,
                StandardCharsets.ISO_8859_1));

        var signed = new ArrayList<String>();
        var hashed = new StringBuilder();
        for (String name : SIGNED_HEADERS) {
            List<String> instances = instances(fields, name);
            for (String field : instances) {
                signed.add(name.toLowerCase(Locale.ROOT));
                hashed.append(RelaxedCanonicalization.header(field));
            }
            if (OVERSIGNED.contains(name)) {
                signed.add(name.toLowerCase(Locale.ROOT)); // stands for no further instance: hashes nothing
            }
        }
        MessageDigest body = sha256();
        RelaxedCanonicalization.body(crlf, bodyStart, length, body);
        String bodyHash = Base64.getEncoder().encodeToString(body.digest());
        String unsigned = folded("DKIM-Signature: v=1; a=" + key.algorithm().tag() + "; c=relaxed/relaxed; d="
                + key.domain() + "; s=" + key.selector() + "; t=" + now.getEpochSecond() + "; h="
                + String.join(":", signed) + "; bh=" + bodyHash + "; b=");
        String header = RelaxedCanonicalization.header(unsigned);
        hashed.append(header, 0, header.length() - 2); // the signature's own field: no CRLF
        String signature = Base64.getEncoder().encodeToString(signature(key, hashed.toString()));

        byte[] field = withValue(unsigned, signature).getBytes(StandardCharsets.ISO_8859_1);
        // SMTP ends the last line anyway (the transport adds CRLF before the final dot), and the
        // body was hashed so: the CRLF is written here, so the bytes sent are the bytes signed.
        boolean endLine = !endsWithCrlf(crlf, length);
        byte[] out = new byte[field.length + length + (endLine ? 2 : 0)];
        System.arraycopy(field, 0, out, 0, field.length);
        System.arraycopy(crlf, 0, out, field.length, length);
        if (endLine) {
            out[out.length - 2] = '\r';
            out[out.length - 1] = '\n';
        }
        return out;
    }

    /** Where the header ends: the index of the CRLFCRLF after it, or -1 for a message of headers only. */
    private static int headerEnd(byte[] message, int length) {
        for (int i = 0; i + 3 < length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static byte[] signature(DkimKey key, String headers) {
        byte[] data = headers.getBytes(StandardCharsets.ISO_8859_1);
        try {
            if (key.algorithm() == DkimAlgorithm.ED25519_SHA256) {
                return ed25519(key, sha256().digest(data)); // RFC 8463: over the SHA-256 of what RSA would sign
            }
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key.privateKey());
            rsa.update(data);
            return rsa.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * PureEdDSA with Bouncy Castle's RFC 8032 code given the key's seed and its public half (the
     * DNS record's {@code p=}, so it is not derived again per message). The JDK's own Ed25519
     * signs the same bytes (the scheme is deterministic) some twenty times slower.
     */
    static byte[] ed25519(DkimKey key, byte[] digest) {
        byte[] seed = ((EdECPrivateKey) key.privateKey()).getBytes()
                .orElseThrow(() -> new IllegalStateException("the Ed25519 key of " + key + " has no key bytes"));
        byte[] publicKey = Base64.getDecoder().decode(key.publicKey());
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, publicKey, 0, digest, 0, digest.length, signature, 0);
        return signature;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
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

    /** Every instance of a header, the last first: the order RFC 6376 5.4.2 has verifiers take them in. */
    private static List<String> instances(List<String> fields, String name) {
        var found = new ArrayList<String>();
        for (int i = fields.size() - 1; i >= 0; i--) {
            String field = fields.get(i);
            if (field.substring(0, field.indexOf(':')).strip().equalsIgnoreCase(name)) {
                found.add(field);
            }
        }
        return found;
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

    /** Bare CR or LF become CRLF, as SMTP sends them. */
    private static byte[] withCrlfLineEndings(byte[] message, int length) {
        var out = new ByteArrayOutputStream(length + 64);
        for (int i = 0; i < length; i++) {
            byte b = message[i];
            if (b == '\r') {
                out.write('\r');
                out.write('\n');
                if (i + 1 < length && message[i + 1] == '\n') {
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

    private static boolean endsWithCrlf(byte[] message, int length) {
        return length >= 2 && message[length - 2] == '\r' && message[length - 1] == '\n';
    }

    /** What Jakarta Mail writes: then no copy is needed. */
    private static boolean hasOnlyCrlf(byte[] message, int length) {
        for (int i = 0; i < length; i++) {
            if (message[i] == '\r' ? i + 1 == length || message[i + 1] != '\n'
                    : message[i] == '\n' && (i == 0 || message[i - 1] != '\r')) {
                return false;
            }
        }
        return true;
    }
}
