package wirelens.cli;

import java.io.IOException;
import java.io.PrintWriter;
import wirelens.tls.CertificateAuthority;

/** {@code --print-ca}: the CA certificate as PEM on stdout, for {@code curl --cacert} and trust stores. */
final class PrintCa {
    private PrintCa() {}

    static int run(wirelens.tls.TlsSettings tls, PrintWriter out, PrintWriter err) {
        try {
            CertificateAuthority ca = tls.ca();
            out.print(ca.certificatePem());
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println("wirelens: " + e.getMessage());
            return 1;
        }
    }
}
