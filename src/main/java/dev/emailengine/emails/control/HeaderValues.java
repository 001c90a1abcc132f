package dev.emailengine.emails.control;

import dev.emailengine.problems.entity.FieldError;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;

/** Rules for anything that ends up in a mail header, where a CR or LF would let a client inject headers. */
final class HeaderValues {

    /** RFC 5321: 64 octets local part + @ + 255 domain. */
    static final int MAX_ADDRESS_LENGTH = 320;
    /** RFC 5322's line limit; a longer subject is a mistake, not an email. */
    static final int MAX_SUBJECT_LENGTH = 998;

    private HeaderValues() {
    }

    /** A display name (from_name) longer than this is not a name. */
    static final int MAX_NAME_LENGTH = 200;

    static boolean hasLineBreak(String value) {
        return value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0;
    }

    /** Line breaks, NUL and the other C0/C1 controls (tab is allowed, it is folding whitespace). */
    static boolean hasControlCharacter(String value) {
        return value.chars().anyMatch(c -> c != '\t' && (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)));
    }

    /** A display name for the From header; null when absent, recorded when unusable. */
    static String displayName(String field, String value, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (hasControlCharacter(value)) {
            errors.add(new FieldError(field, "must not contain line breaks or control characters"));
            return null;
        }
        if (value.length() > MAX_NAME_LENGTH) {
            errors.add(new FieldError(field, "is longer than " + MAX_NAME_LENGTH + " characters"));
            return null;
        }
        return value.strip();
    }

    /** Every entry must be one valid address; the field is named with the entry's index. */
    static List<String> addresses(String field, List<String> values, List<FieldError> errors) {
        var result = new ArrayList<String>();
        for (int i = 0; i < values.size(); i++) {
            String address = address(values.size() == 1 ? field : field + "[" + i + "]", values.get(i), errors);
            if (address != null) {
                result.add(address);
            }
        }
        return result;
    }

    /** One mailbox, strictly parsed; returns null and records why when it is not one. */
    static String address(String field, String value, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "is required"));
            return null;
        }
        if (hasLineBreak(value)) {
            errors.add(new FieldError(field, "must not contain line breaks"));
            return null;
        }
        if (value.length() > MAX_ADDRESS_LENGTH) {
            errors.add(new FieldError(field, "is longer than " + MAX_ADDRESS_LENGTH + " characters"));
            return null;
        }
        try {
            InternetAddress[] parsed = InternetAddress.parse(value.strip(), true);
            if (parsed.length != 1 || parsed[0].isGroup()) {
                errors.add(new FieldError(field, "must be exactly one email address"));
                return null;
            }
            parsed[0].validate();
            String address = parsed[0].getAddress();
            if (address.indexOf('@') <= 0 || address.endsWith("@")) {
                errors.add(new FieldError(field, "must be a full address such as user@example.com"));
                return null;
            }
            return value.strip();
        } catch (AddressException e) {
            errors.add(new FieldError(field, "is not a valid email address"));
            return null;
        }
    }
}
