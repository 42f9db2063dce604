package wirelens.tls;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import io.netty.handler.ssl.OpenSsl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library that speaks TLS on intercepted connections: BoringSSL through Netty's netty-tcnative
 * ({@link BoringTls}) when its native code loads on this machine, else the JDK's JSSE ({@link JdkTls});
 * the system property {@code wirelens.tls=jdk} asks for JSSE. BoringSSL costs a third of JSSE's CPU per
 * new connection (JDK 17's elliptic curves are Java code) and less memory per open one; both keep a TLS
 * 1.3 half-close open. {@link TlsEngines} sets what both have in common (server name, host name check,
 * protocol versions) on the engines a library makes.
 */
interface TlsLibrary {
    /** The system property that picks the library: {@code jdk}, else BoringSSL where it loads. */
    String PROPERTY = "wirelens.tls";

    /** A client-mode engine for {@code name:port} offering {@code alpn} (only what Wirelens decodes). */
    SSLEngine towardsServer(String name, int port, List<String> alpn);

    /**
     * A server-mode engine whose key manager is asked for the leaf of {@code alias} (its peer host), answering
     * ALPN with {@code alpnChosen} when the client offers it ({@code ""}: no ALPN).
     */
    SSLEngine towardsClient(String alias, String alpnChosen);

    /** Says which library it is, for the log. */
    String describe();

    /**
     * The library for this run: JSSE if {@link #PROPERTY} asks for it ({@code jdk}), else BoringSSL if its
     * native code loads, else JSSE. {@code identity}: what is shown to servers that ask for a certificate
     * (null: none).
     */
    static TlsLibrary open(X509ExtendedKeyManager leafKeys, ClientIdentity identity, TrustManager[] trust)
            throws GeneralSecurityException {
        String asked = System.getProperty(PROPERTY, "").trim().toLowerCase(java.util.Locale.ROOT);
        String unknown = asked.isEmpty() || asked.equals("jdk") || asked.equals("boringssl") ? ""
                : " (" + PROPERTY + "=" + asked + " is not one of boringssl, jdk)";
        KeyManager[] clientKeys = identity == null ? null : identity.keyManagers();
        if (asked.equals("jdk")) {
            TlsLibrary jdk = new JdkTls(leafKeys, clientKeys, trust);
            Announced.once(jdk.describe(), true);
            return jdk;
        }
        String whyNot;
        if (OpenSsl.isAvailable()) {
            try {
                TlsLibrary boring = new BoringTls(leafKeys, identity, trust);
                // the default says nothing unless something was asked for, so --quiet and stderr stay as they are
                Announced.once(boring.describe() + unknown, !asked.isEmpty());
                return boring;
            } catch (GeneralSecurityException e) {
                whyNot = e.getMessage();
            }
        } else {
            whyNot = String.valueOf(OpenSsl.unavailabilityCause());
        }
        TlsLibrary jdk = new JdkTls(leafKeys, clientKeys, trust);
        // a user whose machine cannot load BoringSSL is told why TLS costs more here
        Announced.once(jdk.describe() + " (BoringSSL did not load: " + whyNot + ")" + unknown, true);
        return jdk;
    }

    /** The one log line per run that says which library speaks TLS (again only if that changes). */
    final class Announced {
        private static final Logger LOG = LoggerFactory.getLogger(TlsLibrary.class);
        private static String last;

        private Announced() {}

        /** Logs {@code description} at INFO when {@code asked} (the user chose a library), else at DEBUG. */
        static synchronized void once(String description, boolean asked) {
            if (!description.equals(last)) {
                last = description;
                if (asked) {
                    LOG.info("TLS: {}", description);
                } else {
                    LOG.debug("TLS: {}", description);
                }
            }
        }

        /** The version of netty-tcnative on the class path ({@code 2.0.84}), or "" if it does not say. */
        static String tcnativeVersion() {
            try (InputStream in = TlsLibrary.class.getResourceAsStream(
                    "/META-INF/maven/io.netty/netty-tcnative-classes/pom.properties")) {
                if (in == null) {
                    return "";
                }
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "").replace(".Final", "");
            } catch (IOException e) {
                return "";
            }
        }
    }
}
