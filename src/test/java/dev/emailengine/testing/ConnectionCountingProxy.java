package dev.emailengine.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of the test SMTP server that counts the connections made through it, so a
 * test can see how many SMTP sessions the service opened. Listens on 127.0.0.1 only.
 */
public final class ConnectionCountingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    public ConnectionCountingProxy(int listenPort, int targetPort) throws IOException {
        this.server = new ServerSocket(listenPort, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        Thread acceptor = new Thread(this::acceptLoop, "smtp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException e) {
                    closeQuietly(client); // the server behind is down: so is this connection
                    continue;
                }
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("proxy: " + e);
                }
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // one side closed; close the other below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "smtp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
