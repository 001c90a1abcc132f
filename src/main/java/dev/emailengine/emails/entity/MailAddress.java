package dev.emailengine.emails.entity;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Exactly one mailbox, strictly parsed, full ({@code user@example.com}), with no line break that
 * could add a header. Null and blank are left to {@code @NotBlank}.
 */
@Documented
@Constraint(validatedBy = MailAddress.Validator.class)
@Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Retention(RUNTIME)
public @interface MailAddress {

    /** RFC 5321: 64 octets local part + @ + 255 domain. */
    int MAX_LENGTH = 320;

    String message() default "is not a valid email address";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<MailAddress, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            String problem = value == null || value.isBlank() ? null : problem(value);
            if (problem != null) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
            }
            return problem == null;
        }

        private static String problem(String value) {
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                return "must not contain line breaks";
            }
            if (value.length() > MAX_LENGTH) {
                return "is longer than " + MAX_LENGTH + " characters";
            }
            try {
                InternetAddress[] parsed = InternetAddress.parse(value.strip(), true);
                if (parsed.length != 1 || parsed[0].isGroup()) {
                    return "must be exactly one email address";
                }
                parsed[0].validate();
                String address = parsed[0].getAddress();
                if (address.indexOf('@') <= 0 || address.endsWith("@")) {
                    return "must be a full address such as user@example.com";
                }
                return null;
            } catch (AddressException e) {
                return "is not a valid email address";
            }
        }
    }
}
