package dev.emailengine.webhooks.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 POST to a webhook receiver, to an address checked just before connecting.
 * {@code java.net.http.HttpClient} resolves the host itself, after any check we could make, so a
 * name that answered with a public address at the check and a private one at the connect (DNS
 * rebinding) would slip through; here the socket connects to the very address that was checked,
 * and TLS still verifies the certificate against the host name (SNI and endpoint identification).
 * The reply's status line is all we read; the connection is closed after each request.
 */
public class WebhookPoster {

    private static final int MAX_STATUS_LINE = 8 * 1024;

    /** What the receiver answered: its HTTP status. */
    public record Reply(int status) {
    }

    private final Duration timeout;
    private final boolean allowPrivate;

    public WebhookPoster(Duration timeout, boolean allowPrivate) {
        this.timeout = timeout;
        this.allowPrivate = allowPrivate;
    }

    /**
     * @throws IOException the receiver could not be reached or did not answer in time
     * @throws TargetAddresses.RefusedTargetException the host resolves to an address webhooks are not sent to
     */
    public Reply post(URI url, Map<String, String> headers, byte[] body) throws IOException,
            TargetAddresses.RefusedTargetException {
        boolean tls = "https".equalsIgnoreCase(url.getScheme());
        String host = url.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        long deadline = System.nanoTime() + timeout.toNanos();
        InetAddress[] addresses;
        try {
            addresses = TargetAddresses.resolve(host, allowPrivate);
        } catch (UnknownHostException e) {
            throw new IOException("unknown host " + host, e);
        }
        IOException failure = null;
        for (InetAddress address : addresses) {
            int left = remainingMillis(deadline);
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), left);
            } catch (IOException e) {
                socket.close();
                failure = e;
                continue;
            }
            Socket connected;
            try {
                connected = tls ? secure(socket, host, port) : socket;
            } catch (IOException | RuntimeException e) {
                socket.close(); // a failed TLS set-up must not leak the connected socket
                throw e;
            }
            try (connected) {
                return exchange(connected, url, host, port, tls, headers, body, deadline);
            }
        }
        throw failure == null ? new IOException("no address for " + host) : failure;
    }

    private static SSLSocket secure(Socket socket, String host, int port) throws IOException {
        SSLSocket ssl;
        try {
            ssl = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket(socket, host, port, true);
        } catch (NoSuchAlgorithmException e) {
            socket.close();
            throw new IOException("no TLS context", e);
        }
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!host.contains(":") && !host.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        ssl.setSSLParameters(parameters);
        return ssl;
    }

    private Reply exchange(Socket socket, URI url, String host, int port, boolean tls, Map<String, String> headers,
            byte[] body, long deadline) throws IOException {
        socket.setSoTimeout(remainingMillis(deadline));
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        boolean defaultPort = port == (tls ? 443 : 80);
        String hostHeader = (host.contains(":") ? "[" + host + "]" : host) + (defaultPort ? "" : ":" + port);
        var request = new StringBuilder().append("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("User-Agent: EmailEngine-Webhooks/1\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return new Reply(status(socket, socket.getInputStream(), deadline));
    }

    private int status(Socket socket, InputStream in, long deadline) throws IOException {
        var line = new ByteArrayOutputStream();
        while (true) {
            socket.setSoTimeout(remainingMillis(deadline));
            int b = in.read();
            if (b < 0) {
                throw new IOException("the receiver closed the connection without an answer");
            }
            if (b == '\n') {
                break;
            }
            if (line.size() >= MAX_STATUS_LINE) {
                throw new IOException("the receiver's answer is not HTTP");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1).strip();
        String[] parts = text.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("the receiver's answer is not HTTP");
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("the receiver's answer is not HTTP");
        }
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("no answer within the timeout");
        }
        return (int) left;
    }
}
