package wirelens.tls;

import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/** SSLEngines for tests, and a pump that runs two of them back to back in memory, no sockets. */
final class TlsTesting {
    private TlsTesting() {}

    /** The TLS libraries Wirelens runs with ({@code -Dwirelens.tls}), for tests of both. */
    static final List<String> LIBRARIES = List.of("jdk", "boringssl");

    /** As {@link #client(X509Certificate, String, List)}, made by {@code library} (one of {@link #LIBRARIES}). */
    static SSLEngine client(String library, X509Certificate ca, String host, List<String> alpn) throws Exception {
        if (library.equals("jdk")) {
            return client(ca, host, alpn);
        }
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).trustManager(ca)
                .endpointIdentificationAlgorithm("HTTPS");
        if (!alpn.isEmpty()) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        return BoringTls.halfClosing(b.build().newEngine(ByteBufAllocator.DEFAULT, host, 443));
    }

    /** As {@link #server(LeafCertificates.Leaf)}, made by {@code library} (one of {@link #LIBRARIES}). */
    static SSLEngine server(String library, LeafCertificates.Leaf leaf) throws Exception {
        if (library.equals("jdk")) {
            return server(leaf);
        }
        return BoringTls.halfClosing(SslContextBuilder.forServer(leaf.key(), leaf.chain())
                .sslProvider(SslProvider.OPENSSL).build().newEngine(ByteBufAllocator.DEFAULT));
    }

    /** A client engine that trusts only {@code ca}, checks the host name, and sends SNI and ALPN. */
    static SSLEngine client(X509Certificate ca, String host, List<String> alpn) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLEngine e = ctx.createSSLEngine(host, 443);
        e.setUseClientMode(true);
        SSLParameters p = e.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (!host.matches("[0-9.]+")) {
            p.setServerNames(List.of(new SNIHostName(host)));
        }
        if (!alpn.isEmpty()) {
            p.setApplicationProtocols(alpn.toArray(new String[0]));
        }
        e.setSSLParameters(p);
        return e;
    }

    /** A server engine that shows {@code leaf} and requires a client certificate issued by {@code clientCa}. */
    static SSLEngine server(LeafCertificates.Leaf leaf, X509Certificate clientCa) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("leaf", leaf.key(), new char[0], leaf.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("client-ca", clientCa);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLEngine e = ctx.createSSLEngine();
        e.setUseClientMode(false);
        e.setNeedClientAuth(true);
        return e;
    }

    /** A server engine that shows {@code leaf}. */
    static SSLEngine server(LeafCertificates.Leaf leaf) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("leaf", leaf.key(), new char[0], leaf.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLEngine e = ctx.createSSLEngine();
        e.setUseClientMode(false);
        return e;
    }

    /** The first flight of a client engine: its ClientHello, as it would cross the wire. */
    static ByteBuffer firstFlight(SSLEngine client) throws Exception {
        ByteBuffer out = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.beginHandshake();
        SSLEngineResult r = client.wrap(ByteBuffer.allocate(0), out);
        if (r.bytesProduced() == 0) {
            throw new AssertionError("the client engine produced no ClientHello: " + r);
        }
        return out.flip();
    }

    /** Runs the handshake of two engines over memory buffers; throws what either engine throws. Bounded. */
    static void handshake(SSLEngine client, SSLEngine server) throws Exception {
        ByteBuffer c2s = ByteBuffer.allocate(64 * 1024);
        ByteBuffer s2c = ByteBuffer.allocate(64 * 1024);
        ByteBuffer empty = ByteBuffer.allocate(0);
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 200; round++) {
            if (done(client) && done(server)) {
                return;
            }
            step(client, empty, c2s, s2c, sink);
            step(server, empty, s2c, c2s, sink);
        }
        throw new AssertionError("the handshake did not finish in 200 rounds");
    }

    private static boolean done(SSLEngine e) {
        SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
        return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink) throws Exception {
        switch (e.getHandshakeStatus()) {
            case NEED_WRAP -> e.wrap(empty, out);
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                in.flip();
                e.unwrap(in, sink);
                in.compact();
            }
            case NEED_TASK -> {
                Runnable t;
                while ((t = e.getDelegatedTask()) != null) {
                    t.run();
                }
            }
            default -> { }
        }
    }
}
