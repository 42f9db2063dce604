package wirelens.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A TLS server on 127.0.0.1 that answers every read with the same bytes upper-cased, as a real service
 * would look: a certificate for {@value #HOST} (and localhost, 127.0.0.1) issued by a root CA of its own,
 * both sent in its chain. Tests hand the root to Wirelens as {@code --upstream-ca}.
 */
final class TlsEchoServer implements AutoCloseable {
    static final String HOST = "api.example.test";

    final X509Certificate root;
    final X509Certificate leaf;
    private final SSLServerSocket socket;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-tls-echo");
        t.setDaemon(true);
        return t;
    });

    TlsEchoServer() throws Exception {
        KeyPair rootKeys = ecKeys();
        KeyPair leafKeys = ecKeys();
        X500Name rootName = new X500Name("O=Example Test, CN=Example Test Root CA");
        Instant now = Instant.now();
        root = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(rootName,
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))), rootName, rootKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKeys.getPrivate())));
        GeneralNames sans = new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, HOST),
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
        leaf = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(rootName,
                BigInteger.valueOf(now.toEpochMilli() + 1), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(20))), new X500Name("O=Example Test, CN=" + HOST),
                leafKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.subjectAlternativeName, false, sans)
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKeys.getPrivate())));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", leafKeys.getPrivate(), new char[0], new X509Certificate[] {leaf, root});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        SSLParameters p = socket.getSSLParameters();
        p.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(p);
        pool.execute(this::acceptLoop);
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The root as PEM, for {@code --upstream-ca}. */
    String rootPem() throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(root.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                s.setSoTimeout(30_000);
                pool.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] buffer = new byte[16384];
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] >= 'a' && buffer[i] <= 'z') {
                        buffer[i] -= 32;
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the client went away, or refused the handshake: nothing to check here
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        pool.shutdownNow();
    }

    /**
     * A TLS client of 127.0.0.1:{@code port} that asks for {@value #HOST} (SNI), trusts only {@code ca} and
     * checks the host name, as curl or a browser would; the handshake is done when it returns.
     */
    static SSLSocket connect(int port, X509Certificate ca) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        plain.setSoTimeout(20_000);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, HOST, port, true);
        SSLParameters p = tls.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        p.setApplicationProtocols(new String[] {"http/1.1"});
        tls.setSSLParameters(p);
        tls.startHandshake();
        return tls;
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }
}
