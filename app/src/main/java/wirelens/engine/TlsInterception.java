package wirelens.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import wirelens.tls.ClientHello;
import wirelens.tls.LeafCertificates;
import wirelens.tls.StartTlsWatcher;
import wirelens.tls.TlsFacts;
import wirelens.tls.TlsLayer;
import wirelens.tls.UpstreamTrust;

/**
 * Turns one connection into two TLS legs when its client speaks TLS, in mitmproxy's order: read the
 * client's whole ClientHello ({@link HelloSniffer}), handshake with the server (SNI and ALPN as the
 * client offered, the server verified), mint a leaf for the names the client and the server's
 * certificate use, then answer the client's hello with it. The session, the hooks and the capture see
 * only the plaintext in between. Where the client opens with TLS: a forward listener's first bytes, an
 * HTTP proxy's CONNECT tunnel; and in the middle of a mail session, at the server's go-ahead to
 * STARTTLS ({@link StartTlsWatcher}), never on bytes that only look like TLS.
 *
 * <p>While the legs are being set up neither side's plaintext is read ({@link #holds}): a server that
 * speaks first (SMTPS, IMAPS) must not have its greeting relayed before the client's leg can carry it.
 * Only the selector thread calls it; the work that takes time runs on {@link TlsOptions#work()}.
 */
final class TlsInterception {
    /** A client that closes this soon after its handshake, having sent nothing, looks like one that pins. */
    private static final long PINNING_WITHIN_NANOS = 10_000_000_000L;

    private enum State { PLAIN, SNIFFING, UPSTREAM, MINTING, CLIENT, ESTABLISHED, PASSTHROUGH, FAILED }

    private final Connection connection;
    private final TlsOptions options;
    private final SelectorLoop loop;
    private final boolean tunnel;
    private State state = State.PLAIN;
    private String host;
    private int port;
    private HelloSniffer sniffer;
    private ClientHello hello;
    private TlsSideLayer serverLeg;
    private TlsSideLayer clientLeg;
    /** Why the server leg failed (the client is then answered with an error), or null. */
    private String upstreamFailure;
    /** Mail sessions on a forward listener: where STARTTLS switches to TLS. Null when not watching. */
    private StartTlsWatcher watcher;
    private boolean startTlsPending;
    private boolean viaStartTls;
    /** When the client's leg was done, and how many chunks each side had sent by then (-1: not yet). */
    private long clientDoneNanos;
    private long clientChunksAtDone = -1;

    TlsInterception(Connection connection, TlsOptions options, SelectorLoop loop, boolean tunnel) {
        this.connection = connection;
        this.options = options;
        this.loop = loop;
        this.tunnel = tunnel;
    }

    /** Watches a forward listener's plaintext for STARTTLS and sniffs its client's first bytes. */
    void startForward(String targetHost, int targetPort) {
        watcher = new StartTlsWatcher();
        sniff(targetHost, targetPort);
    }

    /** The client's next bytes may be a ClientHello for {@code host:port} (an HTTP proxy's tunnel). */
    void sniff(String targetHost, int targetPort) {
        if (state != State.PLAIN) {
            return;
        }
        host = targetHost;
        port = targetPort;
        state = State.SNIFFING;
        sniffer = new HelloSniffer(this::sniffed);
        connection.installLayer(Side.CLIENT, sniffer);
    }

    /** True while the legs are set up: no plaintext of either side is read meanwhile. */
    boolean holds() {
        return state == State.UPSTREAM || state == State.MINTING || state == State.CLIENT;
    }

    /** True while plaintext chunks are to be shown to {@link #watch}. */
    boolean watching() {
        return watcher != null && (state == State.PLAIN || state == State.SNIFFING) && !watcher.switched()
                && watcher.protocol() != StartTlsWatcher.Protocol.NONE;
    }

    /**
     * Shows a plaintext chunk to the STARTTLS watcher before it is recorded and relayed; returns how many
     * of its bytes go on. A client's bytes after its STARTTLS command, and a server's after its go-ahead,
     * do not: they are the STARTTLS injection attacks, and are reported.
     */
    int watch(Side from, ByteBuffer chunk) {
        int n = chunk.remaining();
        if (from == Side.CLIENT) {
            int cut = watcher.fromClient(chunk);
            if (cut >= 0) {
                notice((n - cut) + " bytes the client sent after STARTTLS, before TLS began, were not forwarded"
                        + " (a STARTTLS command injection, or a client that does not wait for the answer)");
                return cut;
            }
            return n;
        }
        int end = watcher.fromServer(chunk);
        if (end < 0) {
            return n;
        }
        if (end < n) {
            notice((n - end) + " bytes the server sent after its STARTTLS go-ahead were not forwarded");
        }
        startTlsPending = true;
        return end;
    }

    /** After a chunk went on: a go-ahead just relayed to the client switches both sides to TLS. */
    void afterChunk() {
        if (startTlsPending) {
            startTlsPending = false;
            viaStartTls = true;
            state = State.PLAIN;
            // the go-ahead goes out plain first: the sniffer takes over the client side after it
            sniff(host, port);
        }
    }

    // ---- the client's first bytes ---------------------------------------------------------------

    private void sniffed(ClientHello.Outcome outcome) {
        if (outcome instanceof ClientHello.Outcome.Malformed m) {
            notice("the client's first bytes look like TLS but are not a ClientHello (" + m.reason()
                    + "); relayed as they are");
        }
        if (!(outcome instanceof ClientHello.Outcome.Hello h)) {
            state = viaStartTls ? State.FAILED : State.PLAIN;
            if (viaStartTls) {
                notice("after STARTTLS the client did not start TLS; relayed as it is");
            }
            return;
        }
        hello = h.hello();
        String name = hello.serverName() != null ? hello.serverName() : host;
        if (connection.listener.tls().passesThrough(name, port)) {
            state = State.PASSTHROUGH;
            sniffer.passThrough();
            loop.emit(EngineEvent.Tls.passthrough(connection.id, EpochClock.nowNanos(), Side.TARGET,
                    Hosts.format(name, port)));
            connection.updateInterest();
            return;
        }
        state = State.UPSTREAM;
        SSLEngine engine = options.engines().towardsServer(hello.serverName(), host, port, hello.alpn());
        serverLeg = new TlsSideLayer(new TlsLayer(engine), options.work(), null, this::serverHandshake);
        connection.installLayer(Side.TARGET, serverLeg);
    }

    private void serverHandshake(String failure) {
        options.engines().serverHandshakeEnded(serverLeg.tls().engine(), failure == null);
        String name = hello.serverName() != null ? hello.serverName() : host;
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        String alpn = "";
        if (failure != null) {
            upstreamFailure = UpstreamTrust.describeFailure(Hosts.format(name, port), failure);
            loop.emit(EngineEvent.Tls.untrusted(connection.id, EpochClock.nowNanos(), Hosts.format(name, port),
                    upstreamFailure, encoded(UpstreamTrust.rejectedChain(serverLeg.tls().engine())), viaStartTls));
            notice(upstreamFailure);
            if (!tunnel) {
                // a forward listener's client learns it the TLS way: a handshake_failure alert
                connection.send(Side.CLIENT, ByteBuffer.wrap(new byte[] {21, 3, 3, 0, 2, 2, 40}));
                state = State.FAILED;
                connection.fail(upstreamFailure);
                return;
            }
            // through the proxy the client gets a 502 that says why, inside TLS (its hello is answered);
            // the failed leg is set aside at once, so its failure is not taken for the server's reset
            connection.closeTarget();
        } else {
            TlsLayer tls = serverLeg.tls();
            loop.emit(EngineEvent.Tls.done(connection.id, EpochClock.nowNanos(), Side.TARGET,
                    TlsFacts.of(tls, hello.serverName(), !options.engines().trust().insecure()), viaStartTls));
            alpn = tls.engine().getApplicationProtocol() == null ? "" : tls.engine().getApplicationProtocol();
            namesOf(tls.engine(), dns, ips);
        }
        state = State.MINTING;
        LeafCertificates.Names names = LeafCertificates.Names.of(name, dns, ips);
        String chosen = alpn;
        options.work().execute(() -> {
            LeafCertificates.Leaf leaf;
            try {
                leaf = options.engines().leaves().leafFor(names);
            } catch (RuntimeException x) {
                loop.execute(() -> connection.fail("cannot mint a certificate for " + name + ": " + x.getMessage()));
                return;
            }
            loop.execute(() -> startClientLeg(leaf, chosen));
        });
    }

    private void startClientLeg(LeafCertificates.Leaf leaf, String alpn) {
        if (state != State.MINTING) {
            return;
        }
        state = State.CLIENT;
        SSLEngine engine = options.engines().towardsClient(leaf, alpn);
        clientLeg = new TlsSideLayer(new TlsLayer(engine), options.work(), sniffer.takeHello(), this::clientHandshake);
        connection.installLayer(Side.CLIENT, clientLeg);
        connection.updateInterest();
    }

    private void clientHandshake(String failure) {
        String name = hello.serverName() != null ? hello.serverName() : host;
        if (failure != null) {
            state = State.FAILED;
            String lower = failure.toLowerCase(Locale.ROOT);
            String why = lower.contains("unknown_ca") || lower.contains("bad_certificate")
                    || lower.contains("certificate_unknown")
                    ? "the client does not trust the Wirelens CA for " + name
                            + ": install it (wirelens --print-ca prints it; see the README's TLS section)"
                    : "TLS with the client failed for " + name + ": " + failure;
            notice(why);
            loop.emit(EngineEvent.Tls.failed(connection.id, EpochClock.nowNanos(), Side.CLIENT, why, viaStartTls));
            return;
        }
        state = State.ESTABLISHED;
        clientDoneNanos = EpochClock.nowNanos();
        clientChunksAtDone = connection.chunksFrom(Side.CLIENT);
        loop.emit(EngineEvent.Tls.done(connection.id, EpochClock.nowNanos(), Side.CLIENT,
                TlsFacts.of(clientLeg.tls(), hello.serverName(), true), viaStartTls));
        if (upstreamFailure != null) {
            state = State.FAILED;
            connection.closeTarget();
            byte[] body = (upstreamFailure + "\n").getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n";
            ByteBuffer reply = ByteBuffer.allocate(head.length() + body.length);
            reply.put(head.getBytes(StandardCharsets.US_ASCII)).put(body).flip();
            connection.reply(Side.CLIENT, reply);
            connection.shutdownOutput(Side.CLIENT);
            connection.finish();
            return;
        }
        connection.tunnelDecrypted();
        connection.updateInterest();
    }

    /**
     * The client stopped. Right after its handshake, without an alert and without a byte of its own, it is
     * most likely a client that pins the server's certificate and so does not trust the leaf it was shown;
     * what the server said meanwhile does not count, as a server that speaks first (SMTPS, IMAPS) greets
     * before any client could object.
     */
    void clientEnded() {
        if (state != State.ESTABLISHED || clientChunksAtDone < 0
                || connection.chunksFrom(Side.CLIENT) != clientChunksAtDone
                || EpochClock.nowNanos() - clientDoneNanos > PINNING_WITHIN_NANOS) {
            return;
        }
        clientChunksAtDone = -1;
        String where = Hosts.format(hello.serverName() != null ? hello.serverName() : host, port);
        String why = "the client closed right after the TLS handshake for " + where + " without an alert and without"
                + " sending anything: it may pin its certificate and not trust the Wirelens leaf; pass the host through"
                + " (--tls-passthrough, or the listener's passthrough list)";
        notice(why);
        loop.emit(EngineEvent.Tls.failed(connection.id, EpochClock.nowNanos(), Side.CLIENT, why, viaStartTls));
    }

    private static List<byte[]> encoded(List<X509Certificate> chain) {
        List<byte[]> out = new ArrayList<>(chain.size());
        for (X509Certificate c : chain) {
            try {
                out.add(c.getEncoded());
            } catch (java.security.cert.CertificateEncodingException e) {
                return List.of(); // a chain that cannot be written cannot be trusted either
            }
        }
        return out;
    }

    private static void namesOf(SSLEngine engine, List<String> dns, List<String> ips) {
        try {
            if (engine.getSession().getPeerCertificates()[0] instanceof X509Certificate leaf
                    && leaf.getSubjectAlternativeNames() != null) {
                for (List<?> san : leaf.getSubjectAlternativeNames()) {
                    int type = (Integer) san.get(0);
                    if (type == 2) {
                        dns.add((String) san.get(1));
                    } else if (type == 7) {
                        ips.add((String) san.get(1));
                    }
                }
            }
        } catch (SSLPeerUnverifiedException | CertificateParsingException ignored) {
            // the leaf then carries the name the client asked for only
        }
    }

    private void notice(String message) {
        loop.emit(new EngineEvent.Notice(connection.id, EpochClock.nowNanos(), message));
    }
}
