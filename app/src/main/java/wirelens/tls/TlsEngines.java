package wirelens.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The {@link SSLEngine}s of intercepted connections, both legs: towards the server Wirelens is a client
 * that verifies it (unless told not to), towards the client a server that shows a leaf minted for the
 * name the client asked for. The engines come from the run's {@link TlsLibrary} (BoringSSL, else JSSE);
 * the server name, host name check and protocol versions are set here, the same for both.
 */
public final class TlsEngines {
    /** What Wirelens can decode inside TLS; other ALPN offers (h2, h3) are not passed on, so clients fall back. */
    public static final List<String> DECODABLE_ALPN = List.of("http/1.1");
    /** How many servers {@link #tls12Servers} remembers (the most recently learned). */
    static final int REMEMBERED_SERVERS = 4096;
    /** How long a server that chose TLS 1.2 is offered TLS 1.2 alone before it is offered TLS 1.3 again. */
    static final long TLS12_PIN_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final TlsLibrary library;
    private final CertificateAuthority ca;
    private final ClientIdentity identity;
    private final LeafCertificates leaves;
    private final UpstreamTrust trust;
    /** Leaves handed to client-facing engines, by the alias the key manager is asked about. */
    private final Map<String, LeafCertificates.Leaf> byAlias = new ConcurrentHashMap<>();
    /**
     * Servers ({@code name:port}) that chose TLS 1.2 when offered 1.3 too, with when ({@link System#nanoTime}).
     * Their next ClientHellos offer TLS 1.2 alone: a JSSE ClientHello that offers 1.3 carries two key shares
     * (x25519 and P-256, a millisecond of the JDK's EC code per connection) that a TLS 1.2 server never
     * uses, and such a server mostly resumes the session anyway, with no key exchange at all. (BoringSSL's
     * one x25519 share costs tens of microseconds: the same rule, harmless.)
     */
    private final Map<String, Long> tls12Servers = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED_SERVERS;
        }
    };

    public TlsEngines(CertificateAuthority ca, UpstreamTrust trust) throws GeneralSecurityException {
        this(ca, trust, null);
    }

    /** {@code identity}: the certificate shown to servers that ask for one (mutual TLS), or null. */
    public TlsEngines(CertificateAuthority ca, UpstreamTrust trust, ClientIdentity identity)
            throws GeneralSecurityException {
        this.ca = ca;
        this.identity = identity;
        this.leaves = new LeafCertificates(ca);
        this.trust = trust;
        this.library = TlsLibrary.open(new LeafKeyManager(), identity, trust.trustManagers());
    }

    /**
     * Engines as these, that also believe the leaves of their own CA: for a server Wirelens itself runs
     * on loopback (the JIT warm-up's), never for a user's connections, where a server showing such a
     * leaf would be Wirelens talking to itself.
     */
    public TlsEngines alsoTrustingOwnLeaves() throws GeneralSecurityException {
        return new TlsEngines(ca, trust.alsoTrusting(List.of(ca.certificate())), identity);
    }

    /** Which library speaks TLS on both legs ("BoringSSL 2.0.84 via netty-tcnative", "the JDK's JSSE"). */
    public String libraryName() {
        return library.describe();
    }

    public LeafCertificates leaves() {
        return leaves;
    }

    public UpstreamTrust trust() {
        return trust;
    }

    /**
     * An engine for the leg to the server: SNI {@code serverName} (none for an IP literal), host name
     * verified against {@code serverName} (or {@code host}), offering {@code alpn} (only what Wirelens decodes).
     */
    public SSLEngine towardsServer(String serverName, String host, int port, List<String> alpn) {
        String name = serverName != null ? serverName : host;
        List<String> offer = alpn.stream().filter(DECODABLE_ALPN::contains).toList();
        SSLEngine e = library.towardsServer(name, port, offer);
        SSLParameters p = e.getSSLParameters();
        // set either way: Netty's client contexts check the host name unless told not to
        p.setEndpointIdentificationAlgorithm(trust.insecure() ? null : "HTTPS");
        if (serverName != null && !LeafCertificates.isIpLiteral(serverName)) {
            p.setServerNames(List.of(new SNIHostName(serverName)));
        }
        if (choseTls12(name, port) && Arrays.asList(p.getProtocols()).contains("TLSv1.2")) {
            p.setProtocols(new String[] {"TLSv1.2"});
        }
        e.setSSLParameters(p);
        return e;
    }

    /**
     * Learns from a finished handshake of an engine made by {@link #towardsServer} what its server speaks,
     * for the next ClientHellos to that server. A failed handshake forgets the server: the next one offers
     * every version again, so a server that stopped speaking TLS 1.2 costs one failed connection at most.
     */
    public void serverHandshakeEnded(SSLEngine engine, boolean succeeded) {
        String server = engine.getPeerHost() + ":" + engine.getPeerPort();
        boolean offeredAll = Arrays.asList(engine.getEnabledProtocols()).contains("TLSv1.3");
        boolean tls12 = succeeded && "TLSv1.2".equals(engine.getSession().getProtocol());
        synchronized (tls12Servers) {
            if (tls12 && offeredAll) {
                tls12Servers.put(server, System.nanoTime());
            } else if (!tls12) {
                tls12Servers.remove(server);
            }
        }
    }

    /** True when {@code name:port} chose TLS 1.2 over 1.3 within the last {@link #TLS12_PIN_NANOS}. */
    private boolean choseTls12(String name, int port) {
        synchronized (tls12Servers) {
            Long learned = tls12Servers.get(name + ":" + port);
            return learned != null && System.nanoTime() - learned < TLS12_PIN_NANOS;
        }
    }

    /**
     * An engine for the leg to the client, showing {@code leaf} (mint it with {@link #leaves()} off the
     * selector thread) and answering ALPN with what the server chose ({@code ""} or null: none).
     */
    public SSLEngine towardsClient(LeafCertificates.Leaf leaf, String alpnChosen) {
        String alias = Integer.toHexString(System.identityHashCode(leaf)) + "-" + leaf.certificate().getSerialNumber().toString(16);
        byAlias.putIfAbsent(alias, leaf);
        if (byAlias.size() > 4 * LeafCertificates.CACHE_SIZE) {
            byAlias.clear();
            byAlias.put(alias, leaf);
        }
        // the peer host of a server-mode engine is only a hint for the session cache: it carries the alias
        return library.towardsClient(alias, alpnChosen == null ? "" : alpnChosen);
    }

    /** Picks the leaf of each client-facing engine by the alias it was made with. */
    private final class LeafKeyManager extends X509ExtendedKeyManager {
        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            String alias = engine == null ? null : engine.getPeerHost();
            LeafCertificates.Leaf leaf = alias == null ? null : byAlias.get(alias);
            return leaf != null && leaf.key().getAlgorithm().equals(keyType) ? alias : null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            LeafCertificates.Leaf leaf = byAlias.get(alias);
            return leaf == null ? null : leaf.chain();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            LeafCertificates.Leaf leaf = byAlias.get(alias);
            return leaf == null ? null : leaf.key();
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
