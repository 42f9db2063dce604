package wirelens.testkit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the tests' own Java peers, from PEM files as openssl and {@code wirelens --print-ca} write them:
 * a server context that shows an {@link Openssl#selfSigned} certificate, a client context that trusts
 * only the certificates of one PEM file, and both ends of TLS begun on an already connected socket
 * (after STARTTLS).
 */
public final class TlsSockets {
    private TlsSockets() {}

    /** A context whose server sockets show {@code certificate} (its key: unencrypted PKCS#8 PEM, as openssl writes it). */
    public static SSLContext serverContext(Openssl.Certificate certificate) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        Certificate[] chain = readCertificates(certificate.cert()).toArray(Certificate[]::new);
        keys.setKeyEntry("server", readKey(certificate.key()), new char[0], chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    /** A context whose client sockets trust the certificates in {@code pem} and nothing else. */
    public static SSLContext trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate c : readCertificates(pem)) {
            trust.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /**
     * Begins TLS as the client on {@code plain}: SNI {@code host}, the server's certificate checked against
     * {@code host} as HTTPS clients check it; returns once the handshake is done.
     */
    public static SSLSocket startClient(SSLContext context, Socket plain, String host) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, plain.getPort(), true);
        SSLParameters p = tls.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(host)));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(p);
        tls.startHandshake();
        return tls;
    }

    /**
     * Begins TLS as the server on {@code plain}, whose first {@code consumed} bytes (the start of the
     * client's hello) were already read; returns once the handshake is done.
     */
    public static SSLSocket startServer(SSLContext context, Socket plain, byte[] consumed) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, new ByteArrayInputStream(consumed), true);
        tls.startHandshake();
        return tls;
    }

    private static List<? extends Certificate> readCertificates(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
    }

    private static PrivateKey readKey(Path pem) throws Exception {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IllegalArgumentException(pem + " is not an unencrypted PKCS#8 key (BEGIN PRIVATE KEY)");
        }
        String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
