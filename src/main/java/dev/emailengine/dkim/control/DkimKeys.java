package dev.emailengine.dkim.control;

import dev.emailengine.dkim.entity.DkimAlgorithm;
import dev.emailengine.dkim.entity.DkimKey;
import dev.emailengine.dkim.entity.DkimRecord;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The DKIM keys of every sending domain, read once at start-up: {@code DKIM_SELECTOR} with
 * {@code DKIM_PRIVATE_KEY} for the domain of {@code SENDER_EMAIL}, then {@code DKIM_KEYS}
 * ({@code domain:selector:path;...}). A domain's first selector signs; the others are only
 * published, so a key can rotate: publish the new one, list it first, retire the old one later.
 * A key that cannot be read stops the start: mail never goes out silently unsigned.
 */
public final class DkimKeys {

    private static final System.Logger LOG = System.getLogger(DkimKeys.class.getName());
    private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern DOMAIN = Pattern.compile("(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+"
            + "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    private final Map<String, List<DkimKey>> byDomain;
    private final Clock clock;

    private DkimKeys(Map<String, List<DkimKey>> byDomain, Clock clock) {
        this.byDomain = byDomain;
        this.clock = clock;
    }

    /** No keys: every message goes out as composed. */
    public static DkimKeys none() {
        return new DkimKeys(Map.of(), Clock.systemUTC());
    }

    /**
     * @param senderEmail SENDER_EMAIL, whose domain DKIM_SELECTOR and DKIM_PRIVATE_KEY sign for
     * @throws IllegalArgumentException naming the setting and what is wrong with it
     */
    public static DkimKeys configured(String senderEmail, Optional<String> selector, Optional<String> privateKey,
            Optional<String> keys, Clock clock) {
        var byDomain = new LinkedHashMap<String, List<DkimKey>>();
        Optional<String> sel = selector.map(String::strip).filter(s -> !s.isEmpty());
        Optional<String> path = privateKey.map(String::strip).filter(s -> !s.isEmpty());
        if (sel.isPresent() != path.isPresent()) {
            throw new IllegalArgumentException(sel.isPresent()
                    ? "DKIM_SELECTOR is set but DKIM_PRIVATE_KEY (the path of its PEM key file) is not"
                    : "DKIM_PRIVATE_KEY is set but DKIM_SELECTOR (the selector its DNS record is published under) is not");
        }
        if (sel.isPresent()) {
            int at = senderEmail.lastIndexOf('@');
            add(byDomain, load(senderEmail.substring(at + 1), sel.get(), path.get(), "DKIM_SELECTOR/DKIM_PRIVATE_KEY"));
        }
        String spec = keys.map(String::strip).orElse("");
        if (!spec.isEmpty()) {
            for (String entry : spec.split(";")) {
                if (entry.isBlank()) {
                    continue;
                }
                String[] parts = entry.strip().split(":", 3);
                if (parts.length != 3 || parts[2].isBlank()) {
                    throw new IllegalArgumentException("DKIM_KEYS entry '" + entry.strip()
                            + "' is not domain:selector:path (entries are separated by ';')");
                }
                add(byDomain, load(parts[0], parts[1], parts[2], "DKIM_KEYS"));
            }
        }
        return new DkimKeys(Collections.unmodifiableMap(byDomain), clock);
    }

    private static void add(Map<String, List<DkimKey>> byDomain, DkimKey key) {
        List<DkimKey> selectors = byDomain.computeIfAbsent(key.domain(), d -> new ArrayList<>());
        if (selectors.stream().anyMatch(k -> k.selector().equals(key.selector()))) {
            throw new IllegalArgumentException("the DKIM selector " + key.dnsName() + " is configured twice");
        }
        selectors.add(key);
    }

    private static DkimKey load(String rawDomain, String rawSelector, String rawPath, String setting) {
        String domain = domain(rawDomain, setting);
        String selector = rawSelector.strip();
        if (!SELECTOR.matcher(selector).matches()) {
            throw new IllegalArgumentException(setting + ": '" + selector + "' is not a valid DKIM selector"
                    + " (letters, digits and hyphens, in dot-separated labels)");
        }
        Path path = Path.of(rawPath.strip());
        String pem;
        try {
            pem = Files.readString(path, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(setting + ": the private key of " + selector + "._domainkey." + domain
                    + " cannot be read from " + path + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        PemKeys.KeyMaterial material;
        try {
            material = PemKeys.read(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": " + path + " is not a usable DKIM private key: "
                    + e.getMessage());
        }
        var key = new DkimKey(domain, selector, material.algorithm(), material.privateKey(), material.publicKey(),
                path.toString());
        if (material.bits() < 2048 && material.algorithm() == DkimAlgorithm.RSA_SHA256) {
            LOG.log(Level.WARNING, "{0} is a {1}-bit RSA key: 2048 bits is what receivers expect", key,
                    material.bits());
        }
        warnIfOthersCanRead(path, key);
        return key;
    }

    private static String domain(String raw, String setting) {
        String domain;
        try {
            domain = IDN.toASCII(raw.strip(), IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            domain = "";
        }
        if (!DOMAIN.matcher(domain).matches()) {
            throw new IllegalArgumentException(setting + ": '" + raw.strip() + "' is not a domain name");
        }
        return domain;
    }

    private static void warnIfOthersCanRead(Path path, DkimKey key) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            if (permissions.contains(PosixFilePermission.OTHERS_READ)
                    || permissions.contains(PosixFilePermission.GROUP_READ)) {
                LOG.log(Level.WARNING, "{0}: other users can read this private key; chmod 600 it", key);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
    }

    public boolean isEmpty() {
        return byDomain.isEmpty();
    }

    /** The key that signs mail from {@code domain}, if it has one. */
    public Optional<DkimKey> signingKey(String domain) {
        String ascii;
        try {
            ascii = IDN.toASCII(domain).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not a domain any key could be configured for
        }
        List<DkimKey> selectors = byDomain.get(ascii);
        return selectors == null ? Optional.empty() : Optional.of(selectors.get(0));
    }

    /** Every selector, the signing one of each domain first. */
    public List<DkimRecord> records() {
        var records = new ArrayList<DkimRecord>();
        byDomain.forEach((domain, selectors) -> {
            for (int i = 0; i < selectors.size(); i++) {
                records.add(DkimRecord.of(selectors.get(i), i == 0));
            }
        });
        return records;
    }

    /**
     * The message signed with the key of its From domain, as the exact bytes it will be sent as;
     * the message itself when its domain has no key. Call it last: nothing may change it after.
     */
    public MimeMessage sign(Session session, MimeMessage message) throws MessagingException {
        if (byDomain.isEmpty()) {
            return message;
        }
        Optional<DkimKey> key = fromDomain(message).flatMap(this::signingKey);
        if (key.isEmpty()) {
            return message;
        }
        var bytes = new WrittenMessage();
        try {
            message.writeTo(bytes);
        } catch (IOException e) {
            throw new MessagingException("could not write the message to sign it", e);
        }
        return new SignedMessage(session, DkimSigner.sign(bytes.buffer(), bytes.size(), key.get(), clock.instant()));
    }

    /** The written message, handed to the signer without the copy {@code toByteArray} makes. */
    private static final class WrittenMessage extends ByteArrayOutputStream {
        WrittenMessage() {
            super(8192);
        }

        byte[] buffer() {
            return buf;
        }
    }

    private static Optional<String> fromDomain(MimeMessage message) throws MessagingException {
        Address[] from = message.getFrom();
        if (from == null || from.length == 0 || !(from[0] instanceof InternetAddress address)) {
            return Optional.empty();
        }
        String email = address.getAddress();
        int at = email == null ? -1 : email.lastIndexOf('@');
        return at < 0 ? Optional.empty() : Optional.of(email.substring(at + 1));
    }
}
