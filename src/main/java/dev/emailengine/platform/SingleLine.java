package dev.emailengine.platform;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Text that ends up in a mail header (a subject, a display name, a header value): one line, no
 * control characters but tab. A CR or LF there would let a client inject headers of its own.
 * Null is valid.
 */
@Documented
@Constraint(validatedBy = SingleLine.Validator.class)
@Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Retention(RUNTIME)
public @interface SingleLine {

    String message() default "must not contain line breaks or control characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<SingleLine, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || isSingleLine(value);
        }

        /** Line breaks, NUL and the other C0/C1 controls are refused; tab is folding whitespace. */
        public static boolean isSingleLine(String value) {
            return value.chars().noneMatch(c -> c != '\t' && (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)));
        }
    }
}
