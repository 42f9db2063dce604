package wirelens.tls;

import java.lang.reflect.Field;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;
import io.netty.util.ReferenceCountUtil;

/**
 * BoringSSL through Netty's netty-tcnative as the {@link TlsLibrary}: its engines are plain
 * {@link SSLEngine}s whose handshakes take a seventh of JSSE's CPU (whose elliptic curves are Java code).
 *
 * <p>Half-close: Netty's engine closes both directions when the peer's close_notify arrives, unless it
 * believes it has seen one already (its private {@code receivedShutdown}), which each engine is told from
 * the start. BoringSSL itself keeps writing after reading a close_notify, as TLS 1.3 allows, so the peer
 * still gets what the other side sends after its half-close; {@link #closeNotifyReceived} tells
 * {@link TlsLayer} when the peer's direction ended. Its engines take ALPN from
 * their context only, so there is one context per ALPN choice: each protocol of
 * {@link TlsEngines#DECODABLE_ALPN}, and none. The leaf of each client-facing engine is picked by the key
 * manager, as with JSSE.
 *
 * <p>Each engine holds native memory until released: {@link TlsLayer#close} releases it. The contexts
 * are {@link SslProvider#OPENSSL}'s, freed when the garbage collector finds them unused (once per run,
 * or when the user's trust changes); an engine holds its context until it is released.
 */
final class BoringTls implements TlsLibrary {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /**
     * The key exchange groups, pinned: BoringSSL's default also offers X25519MLKEM768, a post-quantum key
     * share that doubles the cost of every handshake, which no client of a debugging proxy needs.
     */
    private static final String[] GROUPS = {"X25519", "P-256"};

    /** Netty's engine's "a close_notify has been received" flag (see above). */
    private static final Field RECEIVED_SHUTDOWN = receivedShutdownFlag();

    /** Client contexts by the ALPN protocol they offer ({@code ""}: none). */
    private final Map<String, SslContext> upstream = new HashMap<>();
    /** Server contexts by the ALPN protocol they choose when offered ({@code ""}: none). */
    private final Map<String, SslContext> downstream = new HashMap<>();

    BoringTls(X509ExtendedKeyManager leafKeys, ClientIdentity identity, TrustManager[] trust)
            throws GeneralSecurityException {
        if (RECEIVED_SHUTDOWN == null) {
            throw new GeneralSecurityException("this version of Netty's OpenSSL engine cannot be kept half-open");
        }
        X509TrustManager checks = null;
        for (TrustManager t : trust) {
            if (t instanceof X509TrustManager x) {
                checks = x;
                break;
            }
        }
        try {
            for (String alpn : alpnChoices()) {
                SslContextBuilder client = SslContextBuilder.forClient().trustManager(checks)
                        // the trust manager's check (the JDK's PKIX) runs off the selector thread, as with JSSE
                        .option(OpenSslContextOption.USE_TASKS, true);
                if (identity != null) {
                    client.keyManager(identity.key(), identity.chain());
                }
                upstream.put(alpn, common(client, alpn).build());
                downstream.put(alpn, common(SslContextBuilder.forServer(leafKeys), alpn).build());
            }
        } catch (SSLException e) {
            throw new GeneralSecurityException("BoringSSL refused Wirelens' TLS settings: " + e.getMessage(), e);
        }
    }

    private static List<String> alpnChoices() {
        List<String> all = new ArrayList<>(TlsEngines.DECODABLE_ALPN);
        all.add("");
        return all;
    }

    private static SslContextBuilder common(SslContextBuilder b, String alpn) {
        b.sslProvider(SslProvider.OPENSSL).protocols(PROTOCOLS).option(OpenSslContextOption.GROUPS, GROUPS);
        if (!alpn.isEmpty()) {
            // a client that offers none of it gets no ALPN (as JSSE's selector answers ""), a server's other
            // choice is taken as it is
            b.applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                    SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        return b;
    }

    @Override
    public SSLEngine towardsServer(String name, int port, List<String> alpn) {
        SslContext ctx = upstream.get(alpn.isEmpty() ? "" : alpn.get(0));
        return halfClosing(ctx.newEngine(ByteBufAllocator.DEFAULT, name, port));
    }

    @Override
    public SSLEngine towardsClient(String alias, String alpnChosen) {
        SslContext ctx = downstream.getOrDefault(alpnChosen, downstream.get(""));
        return halfClosing(ctx.newEngine(ByteBufAllocator.DEFAULT, alias, 0));
    }

    /** True when {@code engine} is one of this library's and its peer has sent close_notify. */
    static boolean closeNotifyReceived(SSLEngine engine) {
        if (!(engine instanceof ReferenceCountedOpenSslEngine boring)) {
            return false;
        }
        synchronized (boring) {
            long ssl = boring.sslPointer();
            return ssl != 0 && (SSL.getShutdown(ssl) & SSL.SSL_RECEIVED_SHUTDOWN) != 0;
        }
    }

    /** {@code engine}, from a BoringSSL context, made to keep writing after the peer's close_notify (see above). */
    static SSLEngine halfClosing(SSLEngine engine) {
        try {
            RECEIVED_SHUTDOWN.setBoolean(engine, true);
        } catch (IllegalAccessException | IllegalArgumentException e) {
            ReferenceCountUtil.release(engine);
            throw new IllegalStateException("Netty's OpenSSL engine cannot be kept half-open", e);
        }
        return engine;
    }

    private static Field receivedShutdownFlag() {
        try {
            Field f = ReferenceCountedOpenSslEngine.class.getDeclaredField("receivedShutdown");
            if (f.getType() != boolean.class) {
                return null;
            }
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public String describe() {
        String version = TlsLibrary.Announced.tcnativeVersion();
        return "BoringSSL " + (version.isEmpty() ? "" : version + " ") + "via netty-tcnative";
    }
}
