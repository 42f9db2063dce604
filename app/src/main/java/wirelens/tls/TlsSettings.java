package wirelens.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import wirelens.base.ConfigDirectory;

/**
 * The TLS options a user gives, on the command line or to the window: the same for headless and the
 * window. A problem with any of them is a usage error or one clear line, never a stack trace.
 *
 * @param intercept        false with {@code --no-tls-intercept}: TLS is relayed as opaque bytes
 * @param caDirectory      {@code --ca-dir}, else {@code <config>/ca}
 * @param passthrough      {@code --tls-passthrough}, compiled ({@link #passthroughPatterns}): the passthrough
 *                         list of each listener the command line gives
 * @param upstreamCas      {@code --upstream-ca} PEM files
 * @param upstreamInsecure {@code --upstream-insecure}
 * @param clientCert       {@code --client-cert} (certificate and key shown to servers that ask), or null
 */
public record TlsSettings(boolean intercept, Path caDirectory, List<Pattern> passthrough, List<Path> upstreamCas,
        boolean upstreamInsecure, Path clientCert) {

    public TlsSettings {
        Objects.requireNonNull(caDirectory);
        passthrough = List.copyOf(passthrough);
        upstreamCas = List.copyOf(upstreamCas);
    }

    /** {@code <config>/ca}. */
    public static Path defaultCaDirectory() {
        return ConfigDirectory.path().resolve("ca");
    }

    /** Interception on, the CA in {@code <config>/ca}, the JDK's trust store: a window started without options. */
    public static TlsSettings defaults() {
        return new TlsSettings(true, defaultCaDirectory(), List.of(), List.of(), false, null);
    }

    /** Interception off; the CA (in {@code <config>/ca}) is made only when something needs it. */
    public static TlsSettings off() {
        return new TlsSettings(false, defaultCaDirectory(), List.of(), List.of(), false, null);
    }

    /** {@code --tls-passthrough} expressions compiled; a bad one is an {@link IllegalArgumentException} that says which. */
    public static List<Pattern> passthroughPatterns(List<String> expressions) {
        List<Pattern> out = new ArrayList<>();
        for (String p : expressions) {
            try {
                out.add(Pattern.compile(p));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("--tls-passthrough " + p + ": not a regular expression ("
                        + e.getDescription() + ")");
            }
        }
        return out;
    }

    /** The CA, created on first need. */
    public CertificateAuthority ca() throws IOException {
        return CertificateAuthority.loadOrCreate(caDirectory);
    }

    /**
     * Server certificates the user chose to trust always (the window's offer when a server fails
     * verification), PEM, next to the CA; read like an {@code --upstream-ca} file when it exists.
     */
    public Path trustedUpstreamFile() {
        return caDirectory.resolve("trusted-upstream.pem");
    }

    /** Both legs' engines with {@code ca}; reads the {@code --upstream-ca} and {@code --client-cert} files. */
    public TlsEngines engines(CertificateAuthority ca) throws IOException {
        return engines(ca, List.of());
    }

    /** As {@link #engines(CertificateAuthority)}, also believing {@code alsoTrusted} (for this run only). */
    public TlsEngines engines(CertificateAuthority ca, List<X509Certificate> alsoTrusted) throws IOException {
        List<Path> files = new ArrayList<>(upstreamCas);
        if (Files.isRegularFile(trustedUpstreamFile())) {
            files.add(trustedUpstreamFile());
        }
        UpstreamTrust trust = UpstreamTrust.withCaFiles(files, upstreamInsecure).alsoTrusting(alsoTrusted);
        try {
            ClientIdentity identity = clientCert == null ? null : ClientIdentity.read(clientCert);
            return new TlsEngines(ca, trust, identity);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
