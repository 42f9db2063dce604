package wirelens.tls;

import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The JDK's JSSE as the {@link TlsLibrary}: one context per leg for the whole run, so the JDK's session
 * caches work and an engine costs little to make.
 */
final class JdkTls implements TlsLibrary {
    private final SSLContext upstream;
    private final SSLContext downstream;

    JdkTls(X509ExtendedKeyManager leafKeys, KeyManager[] clientKeys, TrustManager[] trust)
            throws GeneralSecurityException {
        upstream = SSLContext.getInstance("TLS");
        upstream.init(clientKeys, trust, null);
        downstream = SSLContext.getInstance("TLS");
        downstream.init(new KeyManager[] {leafKeys}, null, null);
    }

    @Override
    public SSLEngine towardsServer(String name, int port, List<String> alpn) {
        SSLEngine e = upstream.createSSLEngine(name, port);
        e.setUseClientMode(true);
        if (!alpn.isEmpty()) {
            SSLParameters p = e.getSSLParameters();
            p.setApplicationProtocols(alpn.toArray(new String[0]));
            e.setSSLParameters(p);
        }
        return e;
    }

    @Override
    public SSLEngine towardsClient(String alias, String alpnChosen) {
        SSLEngine e = downstream.createSSLEngine(alias, 0);
        e.setUseClientMode(false);
        e.setHandshakeApplicationProtocolSelector((engine, offered) -> offered.contains(alpnChosen) ? alpnChosen : "");
        return e;
    }

    @Override
    public String describe() {
        return "the JDK's JSSE";
    }
}
