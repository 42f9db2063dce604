package wirelens.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsEnginesTest {
    @TempDir
    static Path dir;
    /** Wirelens' CA, and the CA of a private server the JDK does not know. */
    static CertificateAuthority wirelens;
    static CertificateAuthority serverCa;
    static LeafCertificates.Leaf serverLeaf;

    @BeforeAll
    static void cas() throws Exception {
        wirelens = CertificateAuthority.loadOrCreate(dir.resolve("wirelens"));
        serverCa = CertificateAuthority.loadOrCreate(dir.resolve("server"));
        serverLeaf = new LeafCertificates(serverCa).leafFor(LeafCertificates.Names.of("localhost", List.of(), List.of("127.0.0.1")));
    }

    @Test
    void theServerLegVerifiesAgainstTheCasTheUserAdds() throws Exception {
        Path pem = dir.resolve("server-ca.pem");
        Files.writeString(pem, serverCa.certificatePem());
        TlsEngines trusting = new TlsEngines(wirelens, UpstreamTrust.withCaFiles(List.of(pem), false));
        String failure = handshake(trusting.towardsServer("localhost", "127.0.0.1", 8443, List.of()),
                TlsTesting.server(serverLeaf));
        assertNull(failure);

        TlsEngines system = new TlsEngines(wirelens, UpstreamTrust.system());
        String refused = handshake(system.towardsServer("localhost", "127.0.0.1", 8443, List.of()),
                TlsTesting.server(serverLeaf));
        assertNotNull(refused);
        String told = UpstreamTrust.describeFailure("localhost:8443", refused);
        assertTrue(told.startsWith("the certificate of localhost:8443 is not trusted"), told + " / " + refused);
        assertTrue(told.contains("--upstream-ca"), told);

        String wrongName = handshake(trusting.towardsServer("other.test", "127.0.0.1", 8443, List.of()),
                TlsTesting.server(serverLeaf));
        assertNotNull(wrongName);

        TlsEngines insecure = new TlsEngines(wirelens, UpstreamTrust.withCaFiles(List.of(), true));
        assertNull(handshake(insecure.towardsServer("other.test", "127.0.0.1", 8443, List.of()), TlsTesting.server(serverLeaf)));
    }

    @Test
    void theClientLegShowsTheMintedLeafAndTheServersAlpnChoice() throws Exception {
        TlsEngines engines = new TlsEngines(wirelens, UpstreamTrust.system());
        LeafCertificates.Leaf leaf = engines.leaves().leafFor(LeafCertificates.Names.of("shop.example.test", List.of(), List.of()));

        SSLEngine client = TlsTesting.client(wirelens.certificate(), "shop.example.test", List.of("h2", "http/1.1"));
        assertNull(handshake(client, engines.towardsClient(leaf, "http/1.1")));
        assertEquals("http/1.1", client.getApplicationProtocol());
        assertTrue(client.getSession().getPeerPrincipal().getName().contains("CN=shop.example.test"));

        SSLEngine none = TlsTesting.client(wirelens.certificate(), "shop.example.test", List.of("h2", "http/1.1"));
        assertNull(handshake(none, engines.towardsClient(leaf, "")));
        assertEquals("", none.getApplicationProtocol());
    }

    @Test
    void aServerThatAsksForAClientCertificateGetsTheOneGiven() throws Exception {
        Path pem = dir.resolve("server-ca.pem");
        Files.writeString(pem, serverCa.certificatePem());
        org.junit.jupiter.api.Assumptions.assumeTrue(CertificateAuthorityTest.onPath("openssl"),
                "openssl is not installed: apt-get install openssl");
        Path key = dir.resolve("client-key.pem");
        Path cert = dir.resolve("client-cert.pem");
        CertificateAuthorityTest.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=wirelens-client");
        java.security.cert.X509Certificate clientCert = UpstreamTrust.readPem(cert).get(0);
        Path identity = dir.resolve("client.pem");
        Files.writeString(identity, Files.readString(cert) + Files.readString(key));
        java.nio.file.Files.setPosixFilePermissions(identity, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        TlsEngines engines = new TlsEngines(wirelens, UpstreamTrust.withCaFiles(List.of(pem), false),
                ClientIdentity.read(identity));

        SSLEngine server = TlsTesting.server(serverLeaf, clientCert);
        assertNull(handshake(engines.towardsServer("localhost", "127.0.0.1", 8443, List.of()), server));
        assertTrue(server.getSession().getPeerPrincipal().getName().contains("CN=wirelens-client"));

        SSLEngine strict = TlsTesting.server(serverLeaf, clientCert);
        TlsEngines without = new TlsEngines(wirelens, UpstreamTrust.withCaFiles(List.of(pem), false));
        assertNotNull(handshake(without.towardsServer("localhost", "127.0.0.1", 8443, List.of()), strict));

        java.nio.file.Files.setPosixFilePermissions(identity, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        java.io.IOException open = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> ClientIdentity.read(identity));
        assertTrue(open.getMessage().contains("chmod 600"), open.getMessage());
    }

    @Test
    void onlyDecodableProtocolsAreOfferedUpstreamWithTheServerName() throws Exception {
        Path pem = dir.resolve("server-ca.pem");
        Files.writeString(pem, serverCa.certificatePem());
        TlsEngines engines = new TlsEngines(wirelens, UpstreamTrust.withCaFiles(List.of(pem), false));
        List<List<String>> offered = new java.util.ArrayList<>();
        List<String> names = new java.util.ArrayList<>();
        for (String sni : new String[] {"localhost", "127.0.0.1"}) {
            SSLEngine server = TlsTesting.server(serverLeaf);
            server.setHandshakeApplicationProtocolSelector((e, offers) -> {
                offered.add(List.copyOf(offers));
                if (e.getHandshakeSession() instanceof javax.net.ssl.ExtendedSSLSession x) {
                    x.getRequestedServerNames().forEach(n -> names.add(((javax.net.ssl.SNIHostName) n).getAsciiName()));
                }
                return offers.contains("http/1.1") ? "http/1.1" : null;
            });
            SSLEngine client = engines.towardsServer(sni, "127.0.0.1", 8443, List.of("h2", "http/1.1"));
            assertNull(handshake(client, server));
            assertEquals("http/1.1", client.getApplicationProtocol());
        }
        assertEquals(List.of(List.of("http/1.1"), List.of("http/1.1")), offered, "h2 is not passed on");
        assertEquals(List.of("localhost"), names, "SNI for a name, none for an address");
    }

    @Test
    void aServerThatChoseTls12IsOfferedTls12AloneUntilAHandshakeWithItFails() throws Exception {
        Path pem = dir.resolve("server-ca.pem");
        Files.writeString(pem, serverCa.certificatePem());
        TlsEngines engines = new TlsEngines(wirelens, UpstreamTrust.withCaFiles(List.of(pem), false));
        SSLEngine first = engines.towardsServer("localhost", "127.0.0.1", 8443, List.of());
        assertTrue(List.of(first.getEnabledProtocols()).contains("TLSv1.3"));
        assertNull(handshake(first, serverOf("TLSv1.2")));
        engines.serverHandshakeEnded(first, true);

        // no TLS 1.3 offered, so the ClientHello carries no key shares the server would not use
        SSLEngine second = engines.towardsServer("localhost", "127.0.0.1", 8443, List.of());
        assertEquals(List.of("TLSv1.2"), versions(second));
        assertNull(handshake(second, serverOf("TLSv1.2")));
        engines.serverHandshakeEnded(second, true);
        assertTrue(List.of(engines.towardsServer("localhost", "127.0.0.1", 8444, List.of()).getEnabledProtocols())
                .contains("TLSv1.3"), "another port is another server");

        // the server now speaks TLS 1.3 alone: one handshake fails, the next offers every version again
        SSLEngine pinned = engines.towardsServer("localhost", "127.0.0.1", 8443, List.of());
        assertNotNull(handshake(pinned, serverOf("TLSv1.3")));
        engines.serverHandshakeEnded(pinned, false);
        SSLEngine again = engines.towardsServer("localhost", "127.0.0.1", 8443, List.of());
        assertNull(handshake(again, serverOf("TLSv1.3")));
        engines.serverHandshakeEnded(again, true);
        assertEquals("TLSv1.3", again.getSession().getProtocol());
        assertTrue(List.of(engines.towardsServer("localhost", "127.0.0.1", 8443, List.of()).getEnabledProtocols())
                .contains("TLSv1.3"));
    }

    /** The versions an engine offers (BoringSSL's also lists the pseudo-protocol SSLv2Hello). */
    private static List<String> versions(SSLEngine e) {
        return java.util.Arrays.stream(e.getEnabledProtocols()).filter(p -> p.startsWith("TLS")).toList();
    }

    private static SSLEngine serverOf(String protocol) throws Exception {
        SSLEngine server = TlsTesting.server(serverLeaf);
        server.setEnabledProtocols(new String[] {protocol});
        return server;
    }

    /** Runs a handshake of two layers in memory; the first failure of either, or null. */
    private static String handshake(SSLEngine client, SSLEngine server) {
        TlsLayer c = new TlsLayer(client);
        TlsLayer s = new TlsLayer(server);
        s.begin();
        c.begin();
        for (int i = 0; i < 100 && !(c.handshakeDone() && s.handshakeDone()); i++) {
            for (TlsLayer l : new TlsLayer[] {c, s}) {
                if (l.needsTasks()) {
                    l.takeTasks().forEach(Runnable::run);
                    l.resume();
                }
            }
            if (c.hasNetwork()) {
                s.receive(c.network());
            }
            if (s.hasNetwork()) {
                c.receive(s.network());
            }
            if (c.failure() != null || s.failure() != null) {
                return c.failure() != null ? c.failure() : s.failure();
            }
        }
        return c.handshakeDone() && s.handshakeDone() ? null : "no handshake";
    }
}
