package wirelens.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeafCertificatesTest {
    @TempDir
    static Path dir;
    static CertificateAuthority ca;

    @BeforeAll
    static void ca() throws Exception {
        ca = CertificateAuthority.loadOrCreate(dir);
    }

    @Test
    void aLeafNamesTheHostAndTheUpstreamsNamesAndLivesAtMost397Days() throws Exception {
        LeafCertificates leaves = new LeafCertificates(ca);
        LeafCertificates.Leaf leaf = leaves.leafFor(LeafCertificates.Names.of("Example.COM",
                List.of("example.com", "www.example.com"), List.of("127.0.0.1", "not an ip")));
        X509Certificate c = leaf.certificate();
        c.verify(ca.certificate().getPublicKey());
        assertEquals(ca.certificate().getSubjectX500Principal(), c.getIssuerX500Principal());
        assertTrue(c.getSubjectX500Principal().getName().contains("CN=example.com"));
        List<String> sans = new ArrayList<>();
        for (List<?> san : c.getSubjectAlternativeNames()) {
            sans.add(san.get(0) + "=" + san.get(1));
        }
        assertEquals(List.of("2=example.com", "2=www.example.com", "7=127.0.0.1"), sans);
        assertEquals(-1, c.getBasicConstraints());
        long days = Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant()).toDays();
        assertTrue(days <= 397, days + " days");
        assertTrue(c.getNotBefore().toInstant().isBefore(java.time.Instant.now().minus(Duration.ofHours(23))));
        assertEquals(2, leaf.chain().length);
    }

    @Test
    void anAddressTheClientConnectedToBecomesAnIpName() throws Exception {
        LeafCertificates.Leaf leaf = new LeafCertificates(ca).leafFor(LeafCertificates.Names.of("[::1]", List.of(), List.of()));
        List<?> san = leaf.certificate().getSubjectAlternativeNames().iterator().next();
        assertEquals(7, san.get(0));
        assertEquals("0:0:0:0:0:0:0:1", san.get(1));
    }

    @Test
    void leavesAreMintedOncePerNameSet() {
        LeafCertificates leaves = new LeafCertificates(ca);
        LeafCertificates.Names a = LeafCertificates.Names.of("a.test", List.of(), List.of());
        LeafCertificates.Leaf first = leaves.leafFor(a);
        assertSame(first, leaves.leafFor(LeafCertificates.Names.of("A.test", List.of("a.test"), List.of())));
        leaves.leafFor(LeafCertificates.Names.of("b.test", List.of(), List.of()));
        assertEquals(2, leaves.minted());
    }

    @Test
    void aJavaClientThatTrustsTheCaAcceptsTheLeafAndOneThatDoesNotRefusesIt() throws Exception {
        LeafCertificates leaves = new LeafCertificates(ca);
        LeafCertificates.Leaf leaf = leaves.leafFor(LeafCertificates.Names.of("mail.example.test", List.of(), List.of()));
        SSLEngine client = TlsTesting.client(ca.certificate(), "mail.example.test", List.of());
        SSLEngine server = TlsTesting.server(leaf);
        TlsTesting.handshake(client, server);
        assertTrue(client.getSession().getPeerPrincipal().getName().contains("CN=mail.example.test"));

        CertificateAuthority other = CertificateAuthority.loadOrCreate(dir.resolve("other"));
        SSLEngine wary = TlsTesting.client(other.certificate(), "mail.example.test", List.of());
        assertThrows(SSLHandshakeException.class, () -> TlsTesting.handshake(wary, TlsTesting.server(leaf)));

        SSLEngine wrongName = TlsTesting.client(ca.certificate(), "other.example.test", List.of());
        assertThrows(SSLHandshakeException.class, () -> TlsTesting.handshake(wrongName, TlsTesting.server(leaf)));
    }
}
