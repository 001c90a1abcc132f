package dev.emailengine.suppressions.control;

import dev.emailengine.platform.Mailboxes;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import java.util.List;

/** The suppression list's addresses: {@link Mailboxes}' spelling, a malformed one refused as a 422. */
public final class Addresses {

    /** RFC 5321: 64 octets of local part, an @, 255 of domain. */
    public static final int MAX_LENGTH = Mailboxes.MAX_LENGTH;

    private Addresses() {
    }

    /**
     * The normalised address.
     *
     * @throws IllegalArgumentException saying what is wrong with it, to follow the field's name
     */
    public static String normalise(String address) {
        return Mailboxes.normalise(address);
    }

    /** As {@link #normalise(String)}; a malformed address is a 422 naming {@code field}. */
    public static String normalise(String address, String field) {
        try {
            return normalise(address);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(422, "Invalid address", List.of(new FieldError(field, e.getMessage())));
        }
    }

    /** The key of an address a client gave with its email; never throws (see {@link Mailboxes#key(String)}). */
    public static String key(String mailbox) {
        return Mailboxes.key(mailbox);
    }
}
