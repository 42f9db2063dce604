package wirelens.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import wirelens.base.ConfigDirectory;
import wirelens.engine.TlsOptions;
import wirelens.tls.CertificateAuthority;
import wirelens.tls.ClientIdentity;
import wirelens.tls.TlsEngines;
import wirelens.tls.UpstreamTrust;

/**
 * The command line's TLS options, made into what the engine needs: the CA (created on first need), the
 * trust in servers, the hosts to pass through. A problem with any of them is a usage error or a failure
 * to start with one clear line, never a stack trace.
 */
record TlsSetup(boolean intercept, Path caDir, List<String> passthrough, List<Path> upstreamCas, boolean upstreamInsecure,
        Path clientCert) {

    /** {@code <config>/ca}, unless {@code --ca-dir} says otherwise. */
    static Path defaultCaDir() {
        return ConfigDirectory.path().resolve("ca");
    }

    Path caDirectory() {
        return caDir != null ? caDir : defaultCaDir();
    }

    CertificateAuthority ca() throws IOException {
        return CertificateAuthority.loadOrCreate(caDirectory());
    }

    /** Checks what can be checked before anything starts (the regular expressions). */
    List<Pattern> patterns() {
        List<Pattern> out = new ArrayList<>();
        for (String p : passthrough) {
            try {
                out.add(Pattern.compile(p));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("--tls-passthrough " + p + ": not a regular expression ("
                        + e.getDescription() + ")");
            }
        }
        return out;
    }

    /** The engine's TLS options, or null with interception off. */
    TlsOptions options() throws IOException {
        if (!intercept) {
            return null;
        }
        List<Pattern> patterns = patterns();
        UpstreamTrust trust = UpstreamTrust.withCaFiles(upstreamCas, upstreamInsecure);
        try {
            ClientIdentity identity = clientCert == null ? null : ClientIdentity.read(clientCert);
            return TlsOptions.of(new TlsEngines(ca(), trust, identity), patterns);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
