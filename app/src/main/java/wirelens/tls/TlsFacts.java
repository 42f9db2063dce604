package wirelens.tls;

import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What one leg of an intercepted connection agreed on: the facts a user debugging TLS asks for first.
 *
 * @param protocol      {@code TLSv1.3}, {@code TLSv1.2}, ...
 * @param cipherSuite   the suite both ends chose
 * @param serverName    the SNI the client sent (null: none)
 * @param alpn          the application protocol agreed ({@code ""}: none)
 * @param handshakeNanos how long the handshake took
 * @param peerChain     the certificates the peer showed, DER, leaf first (empty for a client that showed none)
 * @param verified      whether the peer's certificate was checked (false only with {@code --upstream-insecure})
 * @param localChain    the certificates this end showed, DER, leaf first: on the client's leg the leaf
 *                      Wirelens gave the client (empty when it showed none)
 */
public record TlsFacts(String protocol, String cipherSuite, String serverName, String alpn, long handshakeNanos,
        List<byte[]> peerChain, boolean verified, List<byte[]> localChain, long handshakeBytesReceived,
        long handshakeBytesSent) {

    public TlsFacts {
        peerChain = List.copyOf(peerChain);
        localChain = localChain == null ? List.of() : List.copyOf(localChain);
    }

    /** Facts whose handshake byte counts are not known (-1): a capture written before they were recorded. */
    public TlsFacts(String protocol, String cipherSuite, String serverName, String alpn, long handshakeNanos,
            List<byte[]> peerChain, boolean verified, List<byte[]> localChain) {
        this(protocol, cipherSuite, serverName, alpn, handshakeNanos, peerChain, verified, localChain, -1, -1);
    }

    /** The same facts with other certificates (one shared copy of each, say). */
    public TlsFacts withChains(List<byte[]> peer, List<byte[]> local) {
        return new TlsFacts(protocol, cipherSuite, serverName, alpn, handshakeNanos, peer, verified, local,
                handshakeBytesReceived, handshakeBytesSent);
    }

    /** Facts of a leg on which this end showed no certificate. */
    public TlsFacts(String protocol, String cipherSuite, String serverName, String alpn, long handshakeNanos,
            List<byte[]> peerChain, boolean verified) {
        this(protocol, cipherSuite, serverName, alpn, handshakeNanos, peerChain, verified, List.of());
    }

    /** Reads the facts off a layer whose handshake is done. */
    public static TlsFacts of(TlsLayer layer, String serverName, boolean verified) {
        SSLEngine e = layer.engine();
        SSLSession s = e.getSession();
        List<byte[]> chain = new ArrayList<>();
        try {
            for (Certificate c : s.getPeerCertificates()) {
                chain.add(c.getEncoded());
            }
        } catch (SSLPeerUnverifiedException | CertificateEncodingException e1) {
            // a client without a certificate: nothing to show
        }
        List<byte[]> local = new ArrayList<>();
        try {
            for (Certificate c : s.getLocalCertificates() == null ? new Certificate[0] : s.getLocalCertificates()) {
                local.add(c.getEncoded());
            }
        } catch (CertificateEncodingException e1) {
            local.clear(); // cannot happen for a certificate this end made; shown as none
        }
        String alpn = e.getApplicationProtocol();
        return new TlsFacts(s.getProtocol(), s.getCipherSuite(), serverName, alpn == null ? "" : alpn,
                layer.handshakeNanos(), chain, verified, local, layer.handshakeBytesReceived(),
                layer.handshakeBytesSent());
    }
}
