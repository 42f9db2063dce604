package wirelens.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import wirelens.base.AtomicFiles;

/**
 * Wirelens' own certificate authority: one per install, in a directory of its own ({@code ca.pem}, the
 * certificate users install in their clients; {@code ca-key.pem}, its private key). Created on first
 * need, reused afterwards. The key file is 0600 and its directory 0700; a key file that others can read
 * is refused, as ssh refuses such a key, because whoever holds it can read every intercepted session
 * of every client that trusts the certificate.
 */
public final class CertificateAuthority {
    static final String CERT_FILE = "ca.pem";
    static final String KEY_FILE = "ca-key.pem";
    /** Ten years: installing a CA in every client is work a user should not have to redo often. */
    private static final Duration VALIDITY = Duration.ofDays(3650);

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final Path directory;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key, Path directory) {
        this.certificate = certificate;
        this.key = key;
        this.directory = directory;
    }

    /** Thrown when the CA's files exist but cannot be used; the message is fit for a user. */
    public static final class CaException extends IOException {
        CaException(String message) {
            super(message);
        }

        CaException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The CA in {@code directory}, created there if it has none yet. */
    public static CertificateAuthority loadOrCreate(Path directory) throws IOException {
        Path cert = directory.resolve(CERT_FILE);
        Path key = directory.resolve(KEY_FILE);
        if (Files.exists(cert) || Files.exists(key)) {
            return load(directory);
        }
        return create(directory);
    }

    /** Replaces the CA in {@code directory} with a new one: clients that trusted the old one must trust this one. */
    public static CertificateAuthority regenerate(Path directory) throws IOException {
        Files.deleteIfExists(directory.resolve(KEY_FILE));
        Files.deleteIfExists(directory.resolve(CERT_FILE));
        return create(directory);
    }

    static CertificateAuthority load(Path directory) throws IOException {
        Path certFile = directory.resolve(CERT_FILE);
        Path keyFile = directory.resolve(KEY_FILE);
        if (!Files.exists(certFile) || !Files.exists(keyFile)) {
            throw new CaException("the Wirelens CA in " + directory + " is incomplete (" + CERT_FILE + " and "
                    + KEY_FILE + " belong together); remove the directory to make a new CA, or restore the missing file");
        }
        refuseOpenKey(keyFile);
        X509Certificate cert = readCertificate(certFile);
        PrivateKey key = readKey(keyFile);
        return new CertificateAuthority(cert, key, directory);
    }

    private static CertificateAuthority create(Path directory) throws IOException {
        createPrivateDirectory(directory);
        KeyPair pair = newKeyPair();
        X509Certificate cert = selfSigned(pair);
        Path keyFile = directory.resolve(KEY_FILE);
        // each file whole or not at all; AtomicFiles' temporary file is created 0600, so the key is never
        // readable by others, not even for a moment (the key first: a certificate alone is "incomplete")
        AtomicFiles.write(keyFile, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null))
                .getBytes(StandardCharsets.US_ASCII));
        AtomicFiles.write(directory.resolve(CERT_FILE), pem(cert).getBytes(StandardCharsets.US_ASCII));
        return new CertificateAuthority(cert, pair.getPrivate(), directory);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    PrivateKey key() {
        return key;
    }

    public Path directory() {
        return directory;
    }

    public Path certificateFile() {
        return directory.resolve(CERT_FILE);
    }

    /** The certificate as PEM, what {@code --print-ca} prints and clients install. */
    public String certificatePem() {
        try {
            return pem(certificate);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the CA certificate", e);
        }
    }

    public byte[] certificateDer() {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode the CA certificate", e);
        }
    }

    /** SHA-256 fingerprint as colon-separated upper-case hex, as browsers and openssl show it. */
    public String sha256Fingerprint() {
        return fingerprint(certificateDer());
    }

    /** SHA-256 of a DER certificate as colon-separated upper-case hex. */
    public static String fingerprint(byte[] der) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(der);
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    // ---- files -------------------------------------------------------------------------------

    private static void createPrivateDirectory(Path directory) throws IOException {
        if (posix(directory.getFileSystem().supportedFileAttributeViews())) {
            try {
                Files.createDirectories(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                throw new CaException(directory + " exists and is not a directory");
            }
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        } else {
            Files.createDirectories(directory);
        }
    }

    static void refuseOpenKey(Path keyFile) throws IOException {
        if (!posix(keyFile.getFileSystem().supportedFileAttributeViews())) {
            return;
        }
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(keyFile);
        if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)
                || p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new CaException("the private key in " + keyFile + " is accessible by others (mode "
                    + PosixFilePermissions.toString(p) + "): refused, since whoever reads it can read every"
                    + " intercepted session; run chmod 600 " + keyFile);
        }
    }

    private static boolean posix(Set<String> views) {
        return views.contains("posix");
    }

    private static X509Certificate readCertificate(Path file) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
            Object o = parser.readObject();
            if (!(o instanceof X509CertificateHolder holder)) {
                throw new CaException(file + " does not hold a PEM certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException | RuntimeException e) {
            throw new CaException(file + " is not a readable certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(Path file) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (o instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            // the message never includes the file's content: it is a private key
            throw new CaException(file + " does not hold an unencrypted PEM private key");
        } catch (RuntimeException e) {
            throw new CaException(file + " is not a readable private key", e);
        }
    }

    /** {@code certificate} as PEM text. */
    public static String pem(X509Certificate certificate) throws IOException {
        return pem((Object) certificate);
    }

    static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    // ---- certificates ------------------------------------------------------------------------

    /** EC P-256: fast to generate and to sign with, and every TLS client of the last decade accepts it. */
    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC P-256 keys", e);
        }
    }

    private static X509Certificate selfSigned(KeyPair pair) throws IOException {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, "Wirelens CA on " + machineName())
                .addRDN(BCStyle.O, "Wirelens debugging proxy (local, not a public CA)")
                .build();
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make the Wirelens CA certificate: " + e.getMessage(), e);
        }
    }

    static BigInteger serial() {
        return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
    }

    private static String machineName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "this machine";
            }
        }
        return host.toLowerCase(Locale.ROOT) + " (" + System.getProperty("user.name", "user") + ")";
    }
}
