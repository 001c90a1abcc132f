package dev.emailengine.platform;

import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * A map of names to strings whose values may also be sent as numbers or booleans (taken as their
 * JSON text) or null (taken as empty), as the original's template variables were.
 */
@Documented
@Target(RECORD_COMPONENT)
@Retention(RUNTIME)
public @interface TextValues {
}
