package dev.emailengine.dispatch.control;

import java.lang.reflect.Method;

/**
 * What Jakarta Mail implementations expose beyond the standard API (the SMTP reply code and
 * address of an exception, the transport's last reply), read by name so that no implementation
 * class is imported and the WAR runs on any server's Jakarta Mail.
 */
final class MailInternals {

    private MailInternals() {
    }

    /** The value of {@code target}'s public no-argument {@code getter}, or null when it has none. */
    static Object call(Object target, String getter) {
        try {
            Method method = target.getClass().getMethod(getter);
            return method.getParameterCount() == 0 ? method.invoke(target) : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** An SMTP reply code ({@code getReturnCode()}, {@code getLastReturnCode()}), or null when there is none. */
    static Integer replyCode(Object target, String getter) {
        return call(target, getter) instanceof Integer code && code >= 200 && code < 600 ? code : null;
    }
}
