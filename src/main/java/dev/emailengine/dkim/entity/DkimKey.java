package dev.emailengine.dkim.entity;

import java.security.PrivateKey;
import java.util.ArrayList;

/**
 * One selector of one sending domain: its private key, and the public key receivers look up at
 * {@code <selector>._domainkey.<domain>}.
 *
 * @param publicKey the {@code p=} value of the DNS record, base64
 * @param source where the private key was read from, for messages (never the key itself)
 */
public record DkimKey(String domain, String selector, DkimAlgorithm algorithm, PrivateKey privateKey, String publicKey,
        String source) {

    /** DNS allows at most 255 characters in one string of a TXT record; longer values are split. */
    private static final int TXT_STRING_LIMIT = 255;

    public String dnsName() {
        return selector + "._domainkey." + domain;
    }

    public String txtRecord() {
        return "v=DKIM1; k=" + algorithm.keyType() + "; p=" + publicKey;
    }

    /** The record as a zone file line, its value split into strings DNS accepts. */
    public String zoneEntry() {
        String value = txtRecord();
        var strings = new ArrayList<String>();
        for (int i = 0; i < value.length(); i += TXT_STRING_LIMIT) {
            strings.add('"' + value.substring(i, Math.min(value.length(), i + TXT_STRING_LIMIT)) + '"');
        }
        return dnsName() + ". IN TXT ( " + String.join(" ", strings) + " )";
    }

    @Override
    public String toString() {
        return "DkimKey[" + dnsName() + ", " + algorithm.tag() + ", " + source + "]";
    }
}
