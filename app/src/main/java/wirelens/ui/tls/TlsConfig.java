package wirelens.ui.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import wirelens.base.ConfigDirectory;
import wirelens.engine.TlsOptions;
import wirelens.tls.CertificateAuthority;
import wirelens.tls.ClientIdentity;
import wirelens.tls.TlsEngines;
import wirelens.tls.UpstreamTrust;

/**
 * What the command line says about TLS, handed to a live window: intercept or not, where the CA lives,
 * the hosts to pass through, and which servers to believe. The same options headless takes.
 *
 * @param intercept        false with {@code --no-tls-intercept}: TLS is relayed as opaque bytes
 * @param caDirectory      {@code --ca-dir}, else {@code <config>/ca}
 * @param passthrough      {@code --tls-passthrough}, already compiled (a bad one is a usage error before the window)
 * @param upstreamCas      {@code --upstream-ca} PEM files
 * @param upstreamInsecure {@code --upstream-insecure}
 * @param clientCert       {@code --client-cert} (certificate and key shown to servers that ask), or null
 */
public record TlsConfig(boolean intercept, Path caDirectory, List<Pattern> passthrough, List<Path> upstreamCas,
        boolean upstreamInsecure, Path clientCert) {

    public TlsConfig {
        Objects.requireNonNull(caDirectory);
        passthrough = List.copyOf(passthrough);
        upstreamCas = List.copyOf(upstreamCas);
    }

    /** Interception on, the CA in {@code <config>/ca}, the JDK's trust store: a window started without options. */
    public static TlsConfig defaults() {
        return new TlsConfig(true, ConfigDirectory.path().resolve("ca"), List.of(), List.of(), false, null);
    }

    /** Interception off; the CA (in {@code <config>/ca}) is made only when the TLS menu needs it. */
    public static TlsConfig off() {
        return new TlsConfig(false, ConfigDirectory.path().resolve("ca"), List.of(), List.of(), false, null);
    }

    /** The engine's options for interception with {@code ca}; reads the {@code --upstream-ca} files. */
    TlsOptions options(CertificateAuthority ca) throws IOException, GeneralSecurityException {
        UpstreamTrust trust = UpstreamTrust.withCaFiles(upstreamCas, upstreamInsecure);
        ClientIdentity identity = clientCert == null ? null : ClientIdentity.read(clientCert);
        return TlsOptions.of(new TlsEngines(ca, trust, identity), passthrough);
    }
}
