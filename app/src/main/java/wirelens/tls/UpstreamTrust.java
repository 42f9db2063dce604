package wirelens.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which servers Wirelens believes: the JDK's trust store plus the CAs the user adds ({@code --upstream-ca}),
 * or, when the user says so ({@code --upstream-insecure}), any server at all.
 */
public record UpstreamTrust(List<X509Certificate> extraCas, boolean insecure) {
    /** The chain each engine's server showed when it was not believed, until asked for ({@link #rejectedChain}). */
    private static final Map<SSLEngine, X509Certificate[]> REJECTED = Collections.synchronizedMap(new WeakHashMap<>());

    public UpstreamTrust {
        extraCas = List.copyOf(extraCas);
    }

    /** The JDK's trust store alone. */
    public static UpstreamTrust system() {
        return new UpstreamTrust(List.of(), false);
    }

    /** Adds the certificates of PEM files (each may hold several) to the JDK's. */
    public static UpstreamTrust withCaFiles(List<Path> pemFiles, boolean insecure) throws IOException {
        List<X509Certificate> cas = new ArrayList<>();
        for (Path f : pemFiles) {
            cas.addAll(readPem(f));
        }
        return new UpstreamTrust(cas, insecure);
    }

    static List<X509Certificate> readPem(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : all) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IOException(file + " holds no certificate (a PEM file with -----BEGIN CERTIFICATE----- is expected)");
            }
            return out;
        } catch (CertificateException e) {
            throw new IOException(file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    /** A copy with {@code more} believed as well (a server's certificate the user chose to trust). */
    public UpstreamTrust alsoTrusting(List<X509Certificate> more) {
        List<X509Certificate> all = new ArrayList<>(extraCas);
        all.addAll(more);
        return new UpstreamTrust(all, insecure);
    }

    /** The certificates {@code engine}'s server showed if they were not believed (leaf first), else empty; once. */
    public static List<X509Certificate> rejectedChain(SSLEngine engine) {
        X509Certificate[] chain = REJECTED.remove(engine);
        return chain == null ? List.of() : List.of(chain);
    }

    /** Trust managers for the upstream leg; they check the chain, {@link TlsEngines} turns on the host name check. */
    TrustManager[] trustManagers() throws GeneralSecurityException {
        if (insecure) {
            return new TrustManager[] {new TrustAll()};
        }
        TrustManager[] managers = checkingManagers();
        for (int i = 0; i < managers.length; i++) {
            if (managers[i] instanceof javax.net.ssl.X509ExtendedTrustManager x) {
                managers[i] = new Remembering(x);
            }
        }
        return managers;
    }

    private TrustManager[] checkingManagers() throws GeneralSecurityException {
        TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        system.init((KeyStore) null);
        if (extraCas.isEmpty()) {
            return system.getTrustManagers();
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        int i = 0;
        for (X509Certificate c : extraCas) {
            store.setCertificateEntry("extra-" + i++, c);
        }
        // the JDK's own anchors too: a store given to a factory replaces the default one
        for (TrustManager tm : system.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                for (X509Certificate c : x.getAcceptedIssuers()) {
                    store.setCertificateEntry("system-" + i++, c);
                }
            }
        }
        TrustManagerFactory both = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        both.init(store);
        return both.getTrustManagers();
    }

    /**
     * Why a server was not believed, in words a user can act on, from the JDK's handshake failure: the
     * JDK's messages name the check that failed but not what to do.
     */
    public static String describeFailure(String hostPort, String jdkMessage) {
        String m = jdkMessage == null ? "" : jdkMessage;
        String lower = m.toLowerCase(Locale.ROOT);
        String hint = "; trust it with --upstream-ca FILE, or pass the host through (--tls-passthrough)";
        if (lower.contains("pkix path building failed") || lower.contains("unable to find valid certification path")) {
            return "the certificate of " + hostPort + " is not trusted: self-signed or issued by an unknown CA" + hint;
        }
        if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
            return "the certificate of " + hostPort + " is for another name (" + m + ")" + hint;
        }
        if (lower.contains("validity check failed") || lower.contains("notafter") || lower.contains("expired")) {
            return "the certificate of " + hostPort + " has expired or is not yet valid" + hint;
        }
        return "TLS with " + hostPort + " failed: " + m;
    }

    /** The JDK's checks, remembering the chain of a server they refused so the user can choose to trust it. */
    private static final class Remembering extends javax.net.ssl.X509ExtendedTrustManager {
        private final javax.net.ssl.X509ExtendedTrustManager checks;

        Remembering(javax.net.ssl.X509ExtendedTrustManager checks) {
            this.checks = checks;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            try {
                checks.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                REJECTED.put(engine, chain.clone());
                throw e;
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
                throws CertificateException {
            checks.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            checks.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checks.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
                throws CertificateException {
            checks.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            checks.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return checks.getAcceptedIssuers();
        }
    }

    /** Believes every server; only with {@code --upstream-insecure}, and every such leg is marked so. */
    private static final class TrustAll extends javax.net.ssl.X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
