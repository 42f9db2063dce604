package wirelens.intercept;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import wirelens.engine.Engine;
import wirelens.engine.ListenerConfig;
import wirelens.engine.ListenerKind;
import wirelens.proto.http.Header;
import wirelens.proto.http.HttpDecoder;
import wirelens.proto.http.HttpEvent;
import wirelens.proto.http.HttpMessages;
import wirelens.proto.http.MessageHead;

/**
 * Edit and resend: sends a request the user edited through Wirelens' own HTTP proxy, so the exchange is
 * relayed, recorded and shown like any other. The proxy is a listener named {@value #LISTENER_NAME} on
 * 127.0.0.1 and a free port, bound on first use (its connections carry that name, which marks them resent);
 * the client is a plain socket that writes the request bytes as they are and reads one response. An
 * {@code https://} URL goes through a CONNECT tunnel and TLS that trusts Wirelens' CA, so the engine
 * decrypts it and verifies the origin as for any client: TLS interception must be on.
 *
 * <p>{@link #send} blocks (up to {@link #TIMEOUT_MILLIS} per read): call it off the FX thread.
 */
public final class Resender {
    public static final String LISTENER_NAME = "Resend";
    static final int TIMEOUT_MILLIS = 30_000;

    private final Engine engine;
    private final Supplier<X509Certificate> ca;
    private int port; // guarded by this; 0 until bound

    /**
     * @param ca Wirelens' CA certificate (null when TLS interception is off: then https cannot be resent)
     */
    public Resender(Engine engine, Supplier<X509Certificate> ca) {
        this.engine = engine;
        this.ca = ca;
    }

    /**
     * A request as the user edited it: an absolute http:// or https:// URL; the body as it is sent, or with
     * its Content-Encoding undone when {@code bodyDecoded} (it is applied again).
     */
    public record Request(String method, String url, List<Header> headers, byte[] body, boolean bodyDecoded) {

        /** A request whose body is as it is sent. */
        public Request(String method, String url, List<Header> headers, byte[] body) {
            this(method, url, headers, body, false);
        }
    }

    /** What one send wrote and read back: the bytes written (inside TLS for https) and the whole response. */
    public record Sent(byte[] request, byte[] response, MessageHead head, byte[] body, long millis) {}

    /** The port of the Resend listener, binding it on first use. */
    public synchronized int port() throws IOException {
        if (port == 0) {
            ListenerConfig config = new ListenerConfig(LISTENER_NAME, ListenerKind.HTTP, "127.0.0.1", 0, null, 0);
            try {
                port = engine.addListener(config).get(10, TimeUnit.SECONDS).address().getPort();
            } catch (ExecutionException e) {
                throw new IOException(e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new IOException("the Resend listener did not start within 10 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        return port;
    }

    /**
     * The bytes written for {@code request}: origin-form inside a tunnel for https, absolute-form to the
     * proxy for http; a Host header from the URL if it has none; Content-Length made right for the body.
     */
    public static byte[] wire(Request request) {
        URI uri = uri(request.url());
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        String target = https ? path : "http://" + uri.getRawAuthority() + path;
        List<Header> headers = new ArrayList<>(request.headers());
        if (headers.stream().noneMatch(h -> h.is("Host"))) {
            headers.add(0, new Header("Host", uri.getRawAuthority()));
        }
        if (request.method().isBlank() || !request.method().chars().allMatch(c -> c > 32 && c < 127)) {
            throw new IllegalArgumentException("the method must be one word, such as GET");
        }
        return HttpMessages.valid(request.method() + " " + target + " HTTP/1.1", headers, request.body(), request.bodyDecoded());
    }

    private static URI uri(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("the URL must be absolute, http:// or https://, with a host: " + url);
        }
        return uri;
    }

    /** Sends the request through the Resend listener and reads its response (blocking). */
    public Sent send(Request request) throws IOException {
        byte[] bytes = wire(request);
        URI uri = uri(request.url());
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        long start = System.nanoTime();
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port())) {
            plain.setSoTimeout(TIMEOUT_MILLIS);
            Socket socket = plain;
            if (https) {
                socket = tunnel(plain, uri);
            }
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            Sent sent = readResponse(socket.getInputStream(), request.method(), bytes);
            return new Sent(bytes, sent.response(), sent.head(), sent.body(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }

    private SSLSocket tunnel(Socket plain, URI uri) throws IOException {
        X509Certificate caCertificate = ca == null ? null : ca.get();
        if (caCertificate == null) {
            throw new IOException("resending https needs TLS interception on (TLS menu)");
        }
        int targetPort = uri.getPort() < 0 ? 443 : uri.getPort();
        String authority = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        String connect = "CONNECT " + authority + ":" + targetPort + " HTTP/1.1\r\nHost: " + authority + ":" + targetPort
                + "\r\n\r\n";
        plain.getOutputStream().write(connect.getBytes(StandardCharsets.ISO_8859_1));
        plain.getOutputStream().flush();
        Sent answer = readResponse(plain.getInputStream(), "CONNECT", new byte[0]);
        if (answer.head().status() / 100 != 2) {
            throw new IOException("the proxy refused the tunnel: " + answer.head().startLine() + " "
                    + new String(answer.body(), StandardCharsets.UTF_8).strip());
        }
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("wirelens", caCertificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, uri.getHost(), targetPort, false);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            if (!uri.getHost().contains(":") && !Character.isDigit(uri.getHost().charAt(uri.getHost().length() - 1))) {
                parameters.setServerNames(List.of(new SNIHostName(uri.getHost())));
            }
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS to the tunnel: " + e.getMessage(), e);
        }
    }

    /**
     * Reads one final response (1xx responses before it are kept in the bytes) up to its end or the
     * connection's; a CONNECT's 2xx ends at its head.
     */
    private static Sent readResponse(InputStream in, String method, byte[] request) throws IOException {
        HttpDecoder decoder = new HttpDecoder(HttpDecoder.Role.RESPONSE);
        decoder.expectResponseTo(method);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<HttpEvent> events = new ArrayList<>();
        byte[] buf = new byte[16 * 1024];
        MessageHead head = null;
        boolean tunnel = method.equals("CONNECT");
        while (true) {
            int n = in.read(buf);
            if (n < 0) {
                events.clear();
                decoder.finish(events);
                if (ended(events, head) || head != null && decoder.error() == null) {
                    return new Sent(request, whole.toByteArray(), head, body.toByteArray(), 0);
                }
                throw new IOException(head == null ? "the connection closed without a response"
                        : "the connection closed in the middle of the response");
            }
            int off = 0;
            while (off < n) {
                events.clear();
                int used = decoder.feed(buf, off, n - off, events);
                whole.write(buf, off, used);
                off += used;
                for (HttpEvent e : events) {
                    if (e instanceof HttpEvent.Head h) {
                        head = h.head();
                        body.reset();
                    } else if (e instanceof HttpEvent.Data d) {
                        body.write(d.array(), d.offset(), d.length());
                    } else if (e instanceof HttpEvent.Error err) {
                        throw new IOException("bad response: " + err.error().message());
                    }
                }
                if (head != null && (ended(events, head) || tunnel && !head.isInterim())) {
                    return new Sent(request, whole.toByteArray(), head, body.toByteArray(), 0);
                }
                if (used == 0) {
                    break;
                }
            }
        }
    }

    private static boolean ended(List<HttpEvent> events, MessageHead head) {
        return head != null && !head.isInterim() && events.stream().anyMatch(e -> e instanceof HttpEvent.End);
    }
}
