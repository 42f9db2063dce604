package wirelens.tls;

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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * BoringSSL through Netty's netty-tcnative as the {@link TlsLibrary} ({@code -Dwirelens.tls=boringssl}):
 * its engines are plain {@link SSLEngine}s whose handshakes take a seventh of JSSE's CPU (whose elliptic
 * curves are Java code), but without TLS half-close (see {@link TlsLibrary}). Its engines take ALPN from
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

    /** Client contexts by the ALPN protocol they offer ({@code ""}: none). */
    private final Map<String, SslContext> upstream = new HashMap<>();
    /** Server contexts by the ALPN protocol they choose when offered ({@code ""}: none). */
    private final Map<String, SslContext> downstream = new HashMap<>();

    BoringTls(X509ExtendedKeyManager leafKeys, ClientIdentity identity, TrustManager[] trust)
            throws GeneralSecurityException {
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
        return ctx.newEngine(ByteBufAllocator.DEFAULT, name, port);
    }

    @Override
    public SSLEngine towardsClient(String alias, String alpnChosen) {
        SslContext ctx = downstream.getOrDefault(alpnChosen, downstream.get(""));
        return ctx.newEngine(ByteBufAllocator.DEFAULT, alias, 0);
    }

    @Override
    public String describe() {
        String version = TlsLibrary.Announced.tcnativeVersion();
        return "BoringSSL " + (version.isEmpty() ? "" : version + " ") + "via netty-tcnative";
    }
}
