package wirelens.tls;

import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates Wirelens shows clients in place of the servers', signed by its {@link CertificateAuthority}
 * and minted on first need for each set of names, then kept (the most recently used {@value #CACHE_SIZE}).
 *
 * <p>Every leaf shares one key pair, made once per run (as mitmproxy does): minting is then one signature,
 * well under a millisecond, rather than a key generation. Minting still happens off the selector threads,
 * since a signature is far more work than relaying a chunk. Thread-safe.
 */
public final class LeafCertificates {
    static final int CACHE_SIZE = 1024;
    /** What browsers accept at most for a publicly trusted leaf (397 days), back-dated a day for skewed clocks. */
    static final Duration LIFETIME = Duration.ofDays(396);
    static final Duration BACKDATE = Duration.ofDays(1);

    /** A leaf certificate, its chain up to (and with) the CA, and its private key. */
    public record Leaf(X509Certificate[] chain, PrivateKey key) {
        public X509Certificate certificate() {
            return chain[0];
        }
    }

    /**
     * The names one leaf is made for: DNS names and IP addresses (literals), lower case, in order; the
     * first is the subject's common name.
     */
    public record Names(List<String> dns, List<String> ips) {
        public Names {
            dns = List.copyOf(dns);
            ips = List.copyOf(ips);
            if (dns.isEmpty() && ips.isEmpty()) {
                throw new IllegalArgumentException("a leaf certificate needs at least one name");
            }
        }

        /**
         * The names for a host as the client knows it (its SNI, or the address it connected to) plus the
         * names the real server's certificate carries, when the upstream handshake ran first.
         */
        public static Names of(String host, List<String> alsoDns, List<String> alsoIps) {
            TreeSet<String> dns = new TreeSet<>();
            TreeSet<String> ips = new TreeSet<>();
            List<String> firstDns = new ArrayList<>();
            List<String> firstIp = new ArrayList<>();
            String h = host.toLowerCase(Locale.ROOT);
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            if (isIpLiteral(h)) {
                firstIp.add(canonicalIp(h));
            } else {
                firstDns.add(h);
            }
            for (String d : alsoDns) {
                dns.add(d.toLowerCase(Locale.ROOT));
            }
            for (String ip : alsoIps) {
                if (isIpLiteral(ip)) {
                    ips.add(canonicalIp(ip));
                }
            }
            dns.removeAll(firstDns);
            ips.removeAll(firstIp);
            firstDns.addAll(dns);
            firstIp.addAll(ips);
            return new Names(firstDns, firstIp);
        }

        String commonName() {
            return dns.isEmpty() ? ips.get(0) : dns.get(0);
        }
    }

    private final CertificateAuthority ca;
    private final KeyPair leafKeys = CertificateAuthority.newKeyPair();
    private final Map<Names, Leaf> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Names, Leaf> eldest) {
            return size() > CACHE_SIZE;
        }
    };
    private long minted;

    public LeafCertificates(CertificateAuthority ca) {
        this.ca = Objects.requireNonNull(ca);
    }

    /** The leaf for these names: from the cache, or minted now. Call it off the selector threads. */
    public Leaf leafFor(Names names) {
        synchronized (cache) {
            Leaf known = cache.get(names);
            if (known != null) {
                return known;
            }
        }
        Leaf leaf = mint(names);
        synchronized (cache) {
            minted++;
            Leaf raced = cache.putIfAbsent(names, leaf);
            return raced != null ? raced : leaf;
        }
    }

    /** Leaves minted so far (for tests: the cache works). */
    public long minted() {
        synchronized (cache) {
            return minted;
        }
    }

    private Leaf mint(Names names) {
        X509Certificate caCert = ca.certificate();
        Instant now = Instant.now();
        Date notBefore = Date.from(now.minus(BACKDATE));
        Date notAfter = Date.from(now.plus(LIFETIME));
        if (notAfter.after(caCert.getNotAfter())) {
            notAfter = caCert.getNotAfter();
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, names.commonName())
                .addRDN(BCStyle.O, "Wirelens (intercepted)")
                .build();
        List<GeneralName> sans = new ArrayList<>();
        for (String d : names.dns()) {
            sans.add(new GeneralName(GeneralName.dNSName, d));
        }
        for (String ip : names.ips()) {
            sans.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, CertificateAuthority.serial(),
                    notBefore, notAfter, subject, leafKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(sans.toArray(new GeneralName[0])))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(leafKeys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key())));
            return new Leaf(new X509Certificate[] {leaf, caCert}, leafKeys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot mint a certificate for " + names.commonName() + ": " + e.getMessage(), e);
        }
    }

    static boolean isIpLiteral(String s) {
        if (s.isEmpty()) {
            return false;
        }
        if (s.indexOf(':') >= 0) {
            return s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%');
        }
        return s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.') && s.chars().filter(c -> c == '.').count() == 3;
    }

    private static String canonicalIp(String literal) {
        try {
            // a literal is parsed, never looked up
            return InetAddress.getByName(literal).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return literal;
        }
    }
}
