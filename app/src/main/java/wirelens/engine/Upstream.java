package wirelens.engine;

import java.nio.ByteBuffer;

/**
 * The HTTP proxy's connection to an origin, for {@link HttpProxySession}: which one is open, whether it
 * may carry the next request to the same origin, and sending a request again on a fresh connection when
 * a kept-alive one closes just as it goes out on it.
 */
final class Upstream {
    private String host;
    private int port;
    private boolean reusable;
    private boolean ended;
    /** The current request went out on a kept-alive connection (which may close under it). */
    private boolean reused;
    /** The current request's head, sent again on a fresh connection (only for a request without a body). */
    private byte[] retryHead;

    boolean isOpen() {
        return host != null;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    String describe() {
        return Hosts.format(host, port);
    }

    /** Opens a connection to {@code host:port} for a CONNECT tunnel, closing any other. */
    void connect(String toHost, int toPort, SessionOutput out) {
        close(out);
        open(toHost, toPort, out);
        reused = false;
    }

    /** The connection to {@code host:port} was opened before this session took over (a SOCKS5 client's target). */
    void opened(String toHost, int toPort) {
        host = toHost;
        port = toPort;
        ended = false;
        reusable = true;
        reused = false;
    }

    /**
     * Readies the connection for a request to {@code host:port} whose head is {@code head}: the kept one
     * when it goes to the same origin and may be reused, else a new one. True when a new one was opened
     * (its responses start afresh).
     */
    boolean use(String toHost, int toPort, byte[] head, SessionOutput out) {
        if (host != null && !(reusable && host.equalsIgnoreCase(toHost) && port == toPort)) {
            close(out);
        }
        reused = host != null;
        retryHead = head;
        if (reused) {
            reusable = true;
            return false;
        }
        open(toHost, toPort, out);
        return true;
    }

    /**
     * A kept-alive connection closed just as the current request went out on it: sends the request again,
     * once, on a fresh connection (RFC 9112 9.3.1 allows this for a request without a body); false when
     * it did not go out on a kept one.
     */
    boolean retry(SessionOutput out) {
        if (!reused || host == null) {
            return false;
        }
        String toHost = host;
        int toPort = port;
        close(out);
        open(toHost, toPort, out);
        reused = false;
        out.send(Side.TARGET, ByteBuffer.wrap(retryHead));
        return true;
    }

    private void open(String toHost, int toPort, SessionOutput out) {
        host = toHost;
        port = toPort;
        ended = false;
        reusable = true;
        out.connect(toHost, toPort);
    }

    /** The origin will close after this response, or said something nobody asked for. */
    void notReusable() {
        reusable = false;
    }

    boolean reusable() {
        return reusable;
    }

    /** The origin finished sending. */
    void ended() {
        ended = true;
    }

    boolean hasEnded() {
        return ended;
    }

    /** The engine dropped the connection (it failed or broke): nothing is open. */
    void forget() {
        host = null;
    }

    void close(SessionOutput out) {
        if (host != null) {
            out.closeTarget();
            host = null;
        }
    }
}
