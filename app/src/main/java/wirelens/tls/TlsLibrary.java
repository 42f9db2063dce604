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
 * The library that speaks TLS on intercepted connections: the JDK's JSSE ({@link JdkTls}), or, with the
 * system property {@code wirelens.tls=boringssl}, BoringSSL through Netty's netty-tcnative
 * ({@link BoringTls}) when its native code loads on this machine. BoringSSL costs a third of JSSE's CPU
 * per new connection, but Netty's engine answers a peer's close_notify with its own at once (it closes
 * both directions), so a TLS 1.3 half-close ends the other direction too: bytes the other side sends after
 * it cannot reach that peer. Hence JSSE unless asked. {@link TlsEngines} sets what both have in common
 * (server name, host name check, protocol versions) on the engines a library makes.
 */
interface TlsLibrary {
    /** The system property that picks the library: {@code boringssl}, else JSSE. */
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
     * The library for this run: BoringSSL if {@link #PROPERTY} asks for it and its native code loads, else JSSE.
     * {@code identity}: what is shown to servers that ask for a certificate (null: none).
     */
    static TlsLibrary open(X509ExtendedKeyManager leafKeys, ClientIdentity identity, TrustManager[] trust)
            throws GeneralSecurityException {
        TlsLibrary library;
        boolean boring = "boringssl".equalsIgnoreCase(System.getProperty(PROPERTY, ""));
        if (boring && OpenSsl.isAvailable()) {
            library = new BoringTls(leafKeys, identity, trust);
        } else {
            KeyManager[] clientKeys = identity == null ? null : identity.keyManagers();
            library = new JdkTls(leafKeys, clientKeys, trust);
        }
        // only what the user asked for is told: the default says nothing, so --quiet and stderr stay as they are
        Announced.once(library.describe() + (boring && library instanceof JdkTls
                ? " (BoringSSL asked for, but its native code did not load: " + OpenSsl.unavailabilityCause() + ")" : ""),
                boring);
        return library;
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
