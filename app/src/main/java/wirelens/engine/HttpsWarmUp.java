package wirelens.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import wirelens.tls.LeafCertificates;
import wirelens.tls.TlsEngines;

/**
 * The HTTPS part of the JIT warm-up ({@link WarmUp}): an HTTP/1.1 server on loopback speaking TLS with a
 * leaf of Wirelens' own CA, and one client making keep-alive requests to it through the throwaway
 * engine's HTTP proxy (CONNECT, then TLS the engine intercepts), a new tunnel every
 * {@link #REQUESTS_PER_TUNNEL} requests. Without it the first thousands of HTTPS requests through a fresh
 * Wirelens wait for C2 to compile the decrypting, HTTP decoding and recording path: measured, C2 took
 * 40 % of Wirelens' CPU over its first 8,000 curl requests through CONNECT, and each ran slower for it.
 *
 * <p>The client and the server are the JDK's TLS sockets, whatever library the engine uses: they only
 * have to be there. Everything stays on 127.0.0.1; the server's leaf is believed by the throwaway engine
 * only ({@link #options}), never by the real one.
 */
final class HttpsWarmUp implements AutoCloseable {
    static final int REQUESTS_PER_TUNNEL = 200;
    private static final int BODY_BYTES = 1024;
    private static final int SOCKET_TIMEOUT_MILLIS = 2000;
    private static final String HOST = "localhost";
    /** The client gives up after this many failed tunnels; the warm-up goes on without it. */
    private static final int MAX_FAILURES = 3;

    private final SSLServerSocket server;
    private final SSLContext clientContext;
    private final InetSocketAddress proxy;
    private final Thread serving;
    private final Thread requesting;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean stopping;
    private volatile String failure;
    private boolean closed;

    /**
     * The throwaway engine's TLS: the real options' CA and library, also believing that CA's leaves (the
     * warm-up server's).
     */
    static TlsOptions options(TlsOptions real) throws GeneralSecurityException {
        return TlsOptions.of(real.engines().alsoTrustingOwnLeaves());
    }

    /** Starts the server and the client, whose requests go through the HTTP proxy at {@code proxy}. */
    static HttpsWarmUp start(TlsEngines engines, InetSocketAddress proxy) throws IOException, GeneralSecurityException {
        LeafCertificates.Leaf leaf = engines.leaves().leafFor(LeafCertificates.Names.of(HOST, List.of(), List.of()));
        char[] none = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("leaf", leaf.key(), none, leaf.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, none);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", leaf.chain()[leaf.chain().length - 1]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);

        SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return new HttpsWarmUp(server, clientContext, proxy);
    }

    private HttpsWarmUp(SSLServerSocket server, SSLContext clientContext, InetSocketAddress proxy) {
        this.server = server;
        this.clientContext = clientContext;
        this.proxy = proxy;
        serving = new Thread(this::serve, "wirelens-warmup-https-server");
        requesting = new Thread(this::request, "wirelens-warmup-https-client");
        serving.setDaemon(true);
        requesting.setDaemon(true);
        serving.start();
        requesting.start();
    }

    /** The server's port on 127.0.0.1. */
    int port() {
        return server.getLocalPort();
    }

    /** Requests answered so far. */
    int requests() {
        return requests.get();
    }

    /** Whether the client is still at work (it stops when told to, or after failing). */
    boolean running() {
        return requesting.isAlive();
    }

    /** Why the client gave up, or null. */
    String failure() {
        return failure;
    }

    /** Stops the client after its request in flight and closes the server; waits for both, bounded, once. */
    @Override
    public void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        stopping = true;
        requesting.join(2L * SOCKET_TIMEOUT_MILLIS);
        try {
            server.close();
        } catch (IOException ignored) {
            // the server thread ends with its accept failing either way
        }
        serving.join(2L * SOCKET_TIMEOUT_MILLIS);
    }

    private void request() {
        int failures = 0;
        while (!stopping && failures < MAX_FAILURES) {
            try {
                oneTunnel();
            } catch (IOException e) {
                failures++;
                failure = e.toString();
            }
        }
    }

    /** CONNECT, TLS through the tunnel, then requests until {@link #REQUESTS_PER_TUNNEL} or told to stop. */
    private void oneTunnel() throws IOException {
        // the address, not the name, which may resolve to ::1 first; the name goes in SNI and Host
        String address = "127.0.0.1:" + port();
        String target = HOST + ":" + port();
        try (Socket plain = new Socket(Proxy.NO_PROXY)) {
            plain.setTcpNoDelay(true);
            plain.connect(proxy, SOCKET_TIMEOUT_MILLIS);
            plain.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            plain.getOutputStream().write(ascii("CONNECT " + address + " HTTP/1.1\r\nHost: " + address + "\r\n\r\n"));
            String answer = readHead(plain.getInputStream());
            if (!answer.startsWith("HTTP/1.1 200")) {
                throw new IOException("the proxy answered the CONNECT with " + answer.lines().findFirst().orElse(""));
            }
            try (SSLSocket tls = (SSLSocket) clientContext.getSocketFactory().createSocket(plain, HOST, port(), true)) {
                // the JDK sends no SNI for a name without a dot; the engine checks the server against it
                SSLParameters sni = tls.getSSLParameters();
                sni.setServerNames(List.of(new SNIHostName(HOST)));
                tls.setSSLParameters(sni);
                tls.startHandshake();
                OutputStream out = tls.getOutputStream();
                InputStream in = tls.getInputStream();
                byte[] request = ascii("GET /warm-up HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
                byte[] body = new byte[BODY_BYTES];
                for (int i = 0; i < REQUESTS_PER_TUNNEL && !stopping; i++) {
                    out.write(request);
                    out.flush();
                    String head = readHead(in);
                    if (!head.startsWith("HTTP/1.1 200")) {
                        throw new IOException("the request through the proxy was answered with "
                                + head.lines().findFirst().orElse("nothing"));
                    }
                    WarmUp.readFully(in, body);
                    requests.incrementAndGet();
                }
            }
        }
    }

    private void serve() {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + BODY_BYTES
                + "\r\n\r\n";
        byte[] response = Arrays.copyOf(ascii(head), head.length() + BODY_BYTES);
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setTcpNoDelay(true);
                s.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                while (!readHead(in).isEmpty()) {
                    out.write(response);
                    out.flush();
                }
            } catch (IOException e) {
                // the client ended its tunnel, or the warm-up is over and the server socket closed
            }
        }
    }

    /** A head up to its blank line, as text; "" if the stream ended before any byte of it. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return "";
                }
                throw new IOException("the stream ended inside a head");
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 16 * 1024) {
                throw new IOException("a head over 16 KiB");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
