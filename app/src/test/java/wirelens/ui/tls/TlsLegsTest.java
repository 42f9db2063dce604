package wirelens.ui.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.EngineEvent;
import wirelens.engine.Side;
import wirelens.tls.CertificateAuthority;
import wirelens.tls.TlsFacts;

/** What the TLS panel says, from events as the engine reports them. */
class TlsLegsTest {
    @TempDir
    static Path dir;
    private static CertificateAuthority ca;

    @BeforeAll
    static void makeCa() throws Exception {
        ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"));
    }

    private static EngineEvent.Tls startTls(Side side, TlsFacts facts) {
        return EngineEvent.Tls.done(7, 0, side, facts, true);
    }

    @Test
    void bothLegsOfAnInterceptedConnection() {
        TlsFacts client = new TlsFacts("TLSv1.3", "TLS_AES_128_GCM_SHA256", "mail.example.test", "", 12_000_000,
                List.of(), true);
        TlsFacts server = new TlsFacts("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "mail.example.test", "",
                8_000_000, List.of(ca.certificateDer()), false, List.of(), 2_400, 310);
        List<TlsLegs.Leg> legs = TlsLegs.of(List.of(startTls(Side.TARGET, server),
                startTls(Side.CLIENT, client)), Instant.now());
        assertEquals(2, legs.size());
        assertEquals(TlsLegs.CLIENT_LEG, legs.get(0).title(), "the client's leg first, whatever came first");
        assertEquals(TlsLegs.NO_CLIENT_CERTIFICATE, legs.get(0).chainTitle());
        String text = TlsLegs.text(legs);
        assertTrue(text.startsWith(TlsLegs.CLIENT_LEG + "\n  Protocol: TLSv1.3\n  Cipher suite: TLS_AES_128_GCM_SHA256\n"
                + "  Server name (SNI): mail.example.test\n  ALPN: none\n  Handshake: 12ms\n"
                + "  Began: after STARTTLS, at the server's go-ahead\n"), text);
        TlsLegs.Field verified = legs.get(1).fields().stream().filter(f -> f.name().equals("Server certificate"))
                .findFirst().orElseThrow();
        assertEquals(new TlsLegs.Field("Server certificate", "NOT verified (--upstream-insecure)", true), verified);
        assertTrue(text.contains("  Handshake: 8ms, 2400 B from the server, 310 B to it\n"), text);
        assertTrue(text.contains("  Certificate 1 of 1\n    Subject: " + ca.certificate().getSubjectX500Principal() + "\n"),
                text);
        assertTrue(text.contains("    SHA-256: " + ca.sha256Fingerprint() + "\n"), text);
        assertTrue(text.contains("    Names (SAN): none\n"), text);
    }

    @Test
    void passthroughAndFailureHaveNoHandshake() {
        List<TlsLegs.Leg> passthrough = TlsLegs.of(List.of(EngineEvent.Tls.passthrough(7, 0, Side.TARGET,
                "bank.example:443")),
                Instant.now());
        assertEquals(1, passthrough.size());
        assertEquals(List.of(new TlsLegs.Field("Passthrough", "bank.example:443: relayed untouched, not decrypted", false)),
                passthrough.get(0).fields());
        assertNull(passthrough.get(0).chainTitle());

        List<TlsLegs.Leg> failed = TlsLegs.of(List.of(EngineEvent.Tls.failed(7, 0, Side.TARGET,
                "the certificate of localhost:8443 is not trusted", false)), Instant.now());
        assertEquals(new TlsLegs.Field("Failed", "the certificate of localhost:8443 is not trusted", true),
                failed.get(0).fields().get(0));
        assertEquals(List.of(), TlsLegs.of(List.of(), Instant.now()));
    }

    @Test
    void anExpiredCertificateStandsOut() {
        Instant later = ca.certificate().getNotAfter().toInstant().plus(Duration.ofDays(1));
        List<TlsLegs.Field> fields = TlsLegs.certificate(ca.certificateDer(), later);
        TlsLegs.Field notAfter = fields.stream().filter(f -> f.name().equals("Not after")).findFirst().orElseThrow();
        assertTrue(notAfter.warning());
        assertTrue(notAfter.value().endsWith(" UTC (expired)"), notAfter.value());
        assertTrue(TlsLegs.certificate(new byte[] {1, 2, 3}, Instant.now()).get(0).warning());
    }
}
