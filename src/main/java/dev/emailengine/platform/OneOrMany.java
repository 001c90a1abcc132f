package dev.emailengine.platform;

import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * A list component the client may also give as a single value ({@code "cc": "a@b.io"}). An error
 * in a list of one names the field alone, as the client may never have written a list.
 */
@Documented
@Target(RECORD_COMPONENT)
@Retention(RUNTIME)
public @interface OneOrMany {
}
