package wirelens.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP/1.1 forward proxy for one client connection, as a sans-IO {@link Session}: which mode the
 * connection is in, and the switches between them.
 *
 * <ul>
 * <li>HTTP exchanges ({@link ProxyExchanges}): absolute-form requests go upstream in origin-form with
 *     hop-by-hop headers removed, to the origin their URL names ({@link Upstream}).
 * <li>A CONNECT: once the target is connected the client gets "200 Connection established", and the
 *     connection becomes a raw two-way relay ({@link ProxyTunnel}); so does a successful Upgrade.
 * <li>Inside a CONNECT tunnel whose TLS Wirelens decrypts ({@link SessionEvent.TunnelDecrypted}), a client
 *     whose first bytes are an HTTP/1.x request: HTTP exchanges again, all with the tunnel's one origin
 *     ({@link TunnelOrigin}), so breakpoints, timeouts and keep-alive apply to decrypted HTTPS as to
 *     plain HTTP. Anything else in the tunnel is relayed as it is.
 * <li>A forward listener's connection, or a SOCKS5 one once its target is connected, while breakpoints are
 *     on ({@link #forward}): a tunnel to its one target from the start, whose client, if its first bytes are
 *     an HTTP/1.x request, gets HTTP exchanges with that target as above, heads as they came (the listener
 *     is transparent); its origin is {@code http://}, or {@code https://} when Wirelens decrypts the
 *     client's TLS. Anything else, or a server that speaks first, is relayed as it is.
 * </ul>
 *
 * <p>What the proxy answers itself (errors, "200 Connection established") goes out through {@link
 * SessionOutput#reply} so the capture shows it.
 */
public final class HttpProxySession implements Session {

    private enum Mode { HTTP, CONNECTING_TUNNEL, TUNNEL, DONE }

    private Mode mode = Mode.HTTP;
    private byte[] scratch = new byte[0];
    private final Upstream upstream = new Upstream();
    private ProxyExchanges exchanges = new ProxyExchanges(this, upstream, null);
    /** The relay after a CONNECT or an Upgrade, or null. */
    private ProxyTunnel tunnel;
    /** A forward or SOCKS5 connection's one target; null on the HTTP proxy. */
    private final HostPort forwardTarget;
    /** Wirelens decrypts the client's TLS: its requests are to an https:// origin. */
    private boolean decrypted;

    /** The HTTP proxy's session for one client. */
    public HttpProxySession() {
        this(null);
    }

    private HttpProxySession(HostPort forwardTarget) {
        this.forwardTarget = forwardTarget;
    }

    /**
     * A forward listener's connection to {@code host:port} while breakpoints are on: its client's HTTP is
     * handled as exchanges, so that its messages can be held; anything else is relayed as a {@link
     * ForwardSession} would.
     */
    static HttpProxySession forward(String host, int port) {
        return new HttpProxySession(new HostPort(host, port));
    }

    /** A forward or SOCKS5 connection: transparent, with no timeouts of the proxy's own. */
    boolean transparent() {
        return forwardTarget != null;
    }

    /** As {@link #forward}, for a SOCKS5 connection whose target {@code host:port} is connected already. */
    static HttpProxySession forwardConnected(String host, int port, SessionOutput out) {
        HttpProxySession session = forward(host, port);
        session.upstream.opened(host, port);
        session.mode = Mode.CONNECTING_TUNNEL;
        session.startTunnel(out);
        return session;
    }

    @Override
    public void handle(SessionEvent event, SessionOutput out) {
        if (mode == Mode.DONE) {
            return;
        }
        if (event instanceof SessionEvent.Received r) {
            received(r, out);
        } else if (event instanceof SessionEvent.Accepted && forwardTarget != null) {
            connectTunnel(forwardTarget, out);
        } else if (mode == Mode.TUNNEL) {
            inTunnel(event, out);
        } else if (event instanceof SessionEvent.Connected) {
            if (mode == Mode.CONNECTING_TUNNEL) {
                startTunnel(out);
            }
        } else if (event instanceof SessionEvent.ConnectFailed f) {
            upstream.forget();
            recordAsRead(out);
            String where = Hosts.format(f.host(), f.port());
            if (forwardTarget != null) {
                // a forward connection fails as ForwardSession's does: its client never asked Wirelens for HTTP
                mode = Mode.DONE;
                out.fail(f.timedOut() ? "connect to " + where + " timed out"
                        : "connect to " + where + " failed: " + f.reason());
                return;
            }
            // the client gets its 502 or 504, and the connection ends as a failure, as a forward one does
            out.reply(Side.CLIENT, f.timedOut()
                    ? ProxyHeads.errorPage(504, "Gateway Timeout", "connecting to " + where + " timed out")
                    : ProxyHeads.errorPage(502, "Bad Gateway", "cannot connect to " + where + ": " + f.reason()));
            mode = Mode.DONE;
            out.finishFailed(f.timedOut() ? "connect to " + where + " timed out"
                    : "connect to " + where + " failed: " + f.reason());
        } else {
            exchanges.handle(event, out);
        }
    }

    private void received(SessionEvent.Received r, SessionOutput out) {
        ByteBuffer data = r.data();
        int len = data.remaining();
        byte[] array;
        int off;
        if (data.hasArray()) {
            array = data.array();
            off = data.arrayOffset() + data.position();
        } else {
            if (scratch.length < len) {
                scratch = new byte[Math.max(len, 16 * 1024)];
            }
            data.get(data.position(), scratch, 0, len);
            array = scratch;
            off = 0;
        }
        data.position(data.limit());
        if (mode == Mode.TUNNEL && r.from() == Side.CLIENT) {
            byte[] http = tunnel.fromClient(array, off, len, out);
            if (http != null) {
                startOriginHttp(http, out);
            }
        } else if (mode == Mode.TUNNEL) {
            tunnel.fromTarget(array, off, len, out);
        } else if (r.from() == Side.CLIENT) {
            exchanges.clientBytes(array, off, len, out);
        } else {
            int used = exchanges.targetBytes(array, off, len, out);
            if (mode == Mode.TUNNEL && used < len) {
                tunnel.fromTarget(array, off + used, len - used, out);
            }
        }
    }

    private void inTunnel(SessionEvent event, SessionOutput out) {
        if (event instanceof SessionEvent.Eof e) {
            if (e.from() == Side.TARGET) {
                upstream.ended();
            }
            if (tunnel.ended(e.from(), out)) {
                finish(out);
            }
        } else if (event instanceof SessionEvent.Broken b) {
            mode = Mode.DONE;
            out.reset(b.side().name().toLowerCase(Locale.ROOT) + " " + b.reason());
        } else if (event instanceof SessionEvent.TunnelDecrypted) {
            decrypted = true;
            tunnel.lookForHttp();
        }
    }

    // ---- what the exchanges ask for -------------------------------------------------------------

    boolean inHttp() {
        return mode == Mode.HTTP;
    }

    boolean connecting() {
        return mode == Mode.CONNECTING_TUNNEL;
    }

    /** A CONNECT: the tunnel starts once its target is connected. */
    void connectTunnel(HostPort target, SessionOutput out) {
        mode = Mode.CONNECTING_TUNNEL;
        upstream.connect(target.host(), target.port(), out);
    }

    /**
     * After a CONNECT's target is connected, or an Upgrade's 101: a raw relay from now on. A forward
     * connection's target connected: a relay that looks at the client's first bytes.
     */
    void startTunnel(SessionOutput out) {
        boolean opening = mode == Mode.CONNECTING_TUNNEL;
        if (opening && forwardTarget == null) {
            out.reply(Side.CLIENT, ByteBuffer.wrap(
                    "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
            out.expectTls(upstream.host(), upstream.port());
        }
        mode = Mode.TUNNEL;
        boolean clientEnded = exchanges.clientEnded();
        tunnel = new ProxyTunnel(clientEnded);
        if (opening && forwardTarget != null) {
            tunnel.lookForHttp(); // where the engine decrypts TLS, no plaintext comes before TunnelDecrypted
        }
        out.pauseReading(Side.CLIENT, false);
        byte[] rest = exchanges.takeHeldClient();
        if (rest != null) {
            tunnel.fromClient(rest, 0, rest.length, out);
        }
        if (clientEnded) {
            out.shutdownOutput(Side.TARGET);
        }
    }

    /**
     * The client of a decrypted CONNECT tunnel, or of a forward connection, speaks HTTP ({@code first} are its
     * first bytes): the rest of the connection is HTTP exchanges with its one origin, over the connection
     * already open to it.
     */
    private void startOriginHttp(byte[] first, SessionOutput out) {
        TunnelOrigin origin = new TunnelOrigin(decrypted ? "https" : "http", upstream.host(), upstream.port());
        exchanges = new ProxyExchanges(this, upstream, origin);
        tunnel = null;
        mode = Mode.HTTP;
        exchanges.clientBytes(first, 0, first.length, out);
    }

    /** Answers the client with a short plain-text error and closes once it is sent. */
    void errorReply(SessionOutput out, int status, String reason, String message) {
        upstream.close(out);
        recordAsRead(out);
        out.reply(Side.CLIENT, ProxyHeads.errorPage(status, reason, message));
        finish(out);
    }

    /** Before an answer that ends the connection: what was read is recorded before it, held for a breakpoint or not. */
    private static void recordAsRead(SessionOutput out) {
        out.releaseRecording(Side.CLIENT);
        out.releaseRecording(Side.TARGET);
    }

    void finish(SessionOutput out) {
        mode = Mode.DONE;
        out.finish();
    }

    /** The connection ends (the caller tells the output how). */
    void done() {
        mode = Mode.DONE;
    }
}
