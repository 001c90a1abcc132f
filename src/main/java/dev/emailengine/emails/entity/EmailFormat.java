package dev.emailengine.emails.entity;

import java.util.Optional;

/** The {@code format} field: which MIME shape a plain (non-template) email takes. */
public enum EmailFormat {
    PLAIN, HTML, MULTIPART;

    public static Optional<EmailFormat> parse(String value) {
        for (EmailFormat f : values()) {
            if (f.name().equalsIgnoreCase(value.strip())) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
