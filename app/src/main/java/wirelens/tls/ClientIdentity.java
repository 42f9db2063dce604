package wirelens.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The certificate Wirelens shows a server that asks its clients for one (mutual TLS), from one PEM
 * file with the certificate (and its chain) and the unencrypted private key ({@code --client-cert}).
 * The file holds a private key, so, as for the CA's key, a file others can read is refused.
 */
public record ClientIdentity(X509Certificate[] chain, PrivateKey key) {

    public static ClientIdentity read(Path pem) throws IOException {
        CertificateAuthority.refuseOpenKey(pem);
        List<X509Certificate> certs = new ArrayList<>();
        PrivateKey key = null;
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(pem, StandardCharsets.US_ASCII)))) {
            JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    certs.add(new JcaX509CertificateConverter().getCertificate(h));
                } else if (o instanceof PrivateKeyInfo info) {
                    key = keys.getPrivateKey(info);
                } else if (o instanceof PEMKeyPair pair) {
                    key = keys.getKeyPair(pair).getPrivate();
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(pem + " is not a readable PEM certificate and key: " + e.getMessage(), e);
        }
        if (certs.isEmpty() || key == null) {
            throw new IOException(pem + " must hold a certificate and its unencrypted private key (PEM)");
        }
        return new ClientIdentity(certs.toArray(new X509Certificate[0]), key);
    }

    KeyManager[] keyManagers() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        store.setKeyEntry("client", key, new char[0], chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, new char[0]);
        return kmf.getKeyManagers();
    }
}
