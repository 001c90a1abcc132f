package dev.emailengine.webhooks.control;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Which addresses a webhook may not be sent to (server-side request forgery): loopback,
 * unspecified, private (RFC 1918, fc00::/7), shared CGNAT (100.64/10), link-local (169.254/16,
 * which holds the cloud metadata service, fe80::/10), multicast, broadcast and reserved ranges,
 * also when written as IPv6 (IPv4-mapped, IPv4-compatible, NAT64, 6to4).
 */
public final class TargetAddresses {

    private TargetAddresses() {
    }

    /** Why the address is refused, or null when it is a public one. */
    public static String refusal(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            return refusal6(v6.getAddress());
        }
        return refusal4(address.getAddress());
    }

    private static String refusal4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        if (b0 == 0) {
            return "an unspecified address (0.0.0.0/8)";
        }
        if (b0 == 127) {
            return "a loopback address";
        }
        if (b0 == 10 || b0 == 172 && b1 >= 16 && b1 <= 31 || b0 == 192 && b1 == 168) {
            return "a private address";
        }
        if (b0 == 100 && b1 >= 64 && b1 <= 127) {
            return "a shared (CGNAT) address";
        }
        if (b0 == 169 && b1 == 254) {
            return "a link-local address (the cloud metadata service lives there)";
        }
        if (b0 == 192 && b1 == 0 && (a[2] & 0xff) == 0) {
            return "a reserved address (192.0.0.0/24)";
        }
        if (b0 == 198 && (b1 == 18 || b1 == 19)) {
            return "a reserved address (198.18.0.0/15)";
        }
        if (b0 >= 224) {
            return b0 < 240 ? "a multicast address" : "a reserved or broadcast address";
        }
        return null;
    }

    private static String refusal6(byte[] a) {
        if (Arrays.equals(a, new byte[16])) {
            return "the unspecified address (::)";
        }
        if (isZero(a, 0, 15) && a[15] == 1) {
            return "a loopback address";
        }
        if (isZero(a, 0, 10) && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff) {
            return embedded(a, 12, "IPv4-mapped");
        }
        if (isZero(a, 0, 12)) {
            return embedded(a, 12, "IPv4-compatible");
        }
        if ((a[0] & 0xff) == 0x00 && (a[1] & 0xff) == 0x64 && (a[2] & 0xff) == 0xff && (a[3] & 0xff) == 0x9b
                && isZero(a, 4, 12)) {
            return embedded(a, 12, "NAT64");
        }
        if ((a[0] & 0xff) == 0x20 && (a[1] & 0xff) == 0x02) {
            return embedded(a, 2, "6to4");
        }
        int b0 = a[0] & 0xff;
        if ((b0 & 0xfe) == 0xfc) {
            return "a private (unique local) address";
        }
        if (b0 == 0xfe && (a[1] & 0xc0) == 0x80) {
            return "a link-local address";
        }
        if (b0 == 0xfe && (a[1] & 0xc0) == 0xc0) {
            return "a site-local address";
        }
        if (b0 == 0xff) {
            return "a multicast address";
        }
        return null;
    }

    private static String embedded(byte[] a, int from, String form) {
        String refusal = refusal4(Arrays.copyOfRange(a, from, from + 4));
        return refusal == null ? null : refusal + ", " + form;
    }

    private static boolean isZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every address of the host, each checked; throws when one is refused (a name resolving to a
     * public and a private address is refused: which one a client would pick is not ours to know).
     */
    public static InetAddress[] resolve(String host, boolean allowPrivate) throws UnknownHostException,
            RefusedTargetException {
        InetAddress[] addresses = InetAddress.getAllByName(host);
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                String refusal = refusal(address);
                if (refusal != null) {
                    throw new RefusedTargetException(host + " resolves to " + address.getHostAddress() + ", " + refusal);
                }
            }
        }
        return addresses;
    }

    /** A webhook target that resolves to an address webhooks are not sent to. */
    public static class RefusedTargetException extends Exception {

        public RefusedTargetException(String message) {
            super(message);
        }
    }
}
