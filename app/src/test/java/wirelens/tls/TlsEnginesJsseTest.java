package wirelens.tls;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TlsEnginesTest} with the engines made by the JDK's JSSE ({@code -Dwirelens.tls=jdk}): verification
 * against the CAs the user adds, the leaf and ALPN shown to clients, a client certificate for servers that
 * ask, the TLS 1.2 pin. The property is set for this class's engines only and cleared after it.
 */
class TlsEnginesJsseTest extends TlsEnginesTest {
    private static String before;

    @BeforeAll
    static void jsse() {
        before = System.getProperty(TlsLibrary.PROPERTY);
        System.setProperty(TlsLibrary.PROPERTY, "jdk");
    }

    @AfterAll
    static void asBefore() {
        if (before == null) {
            System.clearProperty(TlsLibrary.PROPERTY);
        } else {
            System.setProperty(TlsLibrary.PROPERTY, before);
        }
    }

    @Test
    void theEnginesAreJsses() throws Exception {
        TlsEngines engines = new TlsEngines(wirelens, UpstreamTrust.system());
        assertTrue(engines.towardsServer("a.test", "a.test", 443, java.util.List.of()).getClass().getName()
                .startsWith("sun.security.ssl."), "the JDK's engine");
    }
}
