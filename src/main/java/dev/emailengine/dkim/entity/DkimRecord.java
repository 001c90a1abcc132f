package dev.emailengine.dkim.entity;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What an operator publishes in DNS for one selector, and whether it is the one that signs. */
@Schema(name = "DkimRecord", description = "One DKIM selector of a sending domain and its DNS record")
public record DkimRecord(
        @Schema(example = "example.com") String domain,
        @Schema(example = "mail2026") String selector,
        @Schema(example = "rsa-sha256", enumeration = {"rsa-sha256", "ed25519-sha256"}) String algorithm,
        @Schema(description = "True for the domain's first selector, the one outgoing mail is signed with;"
                + " the others are published for rotation") boolean signing,
        @Schema(example = "mail2026._domainkey.example.com") String dnsName,
        @Schema(description = "The TXT record's value", example = "v=DKIM1; k=rsa; p=MIIBIjANBg...") String txtRecord,
        @Schema(description = "The same as a zone file line, split into strings of at most 255 characters")
        String zoneEntry) {

    public static DkimRecord of(DkimKey key, boolean signing) {
        return new DkimRecord(key.domain(), key.selector(), key.algorithm().tag(), signing, key.dnsName(),
                key.txtRecord(), key.zoneEntry());
    }
}
