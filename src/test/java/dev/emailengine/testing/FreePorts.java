package dev.emailengine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the servers a test starts, so a running ./run.sh or a parallel build never collides
 * with them. A port is only known to be free when asked: start the server soon after.
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** A port nothing is bound to now, as the operating system hands out. */
    public static int any() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A base number such that base + every offset is a free port: for servers that take a port
     * base or offset and derive all their ports from it.
     */
    public static int blockFor(int... offsets) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20_000 + 100 * ThreadLocalRandom.current().nextInt(300);
            boolean free = true;
            for (int offset : offsets) {
                free &= !listening(base + offset) && bindable(base + offset);
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no free block of ports");
    }

    /** Whether something accepts connections on this loopback port. */
    public static boolean listening(int port) {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean bindable(int port) {
        try (var socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
