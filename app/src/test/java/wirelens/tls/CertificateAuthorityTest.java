package wirelens.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateAuthorityTest {

    @Test
    void isCreatedOnFirstNeedWithAPrivateKeyOnlyItsOwnerCanRead(@TempDir Path home) throws IOException {
        Path dir = home.resolve("config/wirelens/ca");
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(CertificateAuthority.KEY_FILE))));
        X509Certificate c = ca.certificate();
        assertTrue(c.getBasicConstraints() >= 0, "CA:TRUE");
        assertTrue(c.getCriticalExtensionOIDs().contains("2.5.29.19"), "basic constraints critical");
        boolean[] usage = c.getKeyUsage();
        assertTrue(usage[5] && usage[6], "keyCertSign and cRLSign");
        assertTrue(c.getSubjectX500Principal().getName().contains("Wirelens CA on "), c.getSubjectX500Principal().getName());
        assertEquals(c.getSubjectX500Principal(), c.getIssuerX500Principal());
        assertTrue(ca.certificatePem().startsWith("-----BEGIN CERTIFICATE-----"));
        assertFalse(ca.certificatePem().contains("PRIVATE"));
        assertEquals(95, ca.sha256Fingerprint().length());
    }

    @Test
    void aSecondStartReusesTheSameCa(@TempDir Path dir) throws IOException {
        CertificateAuthority first = CertificateAuthority.loadOrCreate(dir);
        CertificateAuthority second = CertificateAuthority.loadOrCreate(dir);
        assertArrayEquals(first.certificateDer(), second.certificateDer());
        assertEquals(first.key(), second.key());
    }

    @Test
    void regenerateMakesANewOne(@TempDir Path dir) throws IOException {
        CertificateAuthority first = CertificateAuthority.loadOrCreate(dir);
        CertificateAuthority again = CertificateAuthority.regenerate(dir);
        assertNotEquals(first.sha256Fingerprint(), again.sha256Fingerprint());
        assertEquals(again.sha256Fingerprint(), CertificateAuthority.loadOrCreate(dir).sha256Fingerprint());
    }

    @Test
    void aKeyFileOthersCanReadIsRefusedWithTheFix(@TempDir Path dir) throws IOException {
        CertificateAuthority.loadOrCreate(dir);
        Path key = dir.resolve(CertificateAuthority.KEY_FILE);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        IOException x = assertThrows(IOException.class, () -> CertificateAuthority.loadOrCreate(dir));
        assertTrue(x.getMessage().contains("chmod 600 " + key), x.getMessage());
        assertTrue(x.getMessage().contains("rw-r--r--"), x.getMessage());
    }

    @Test
    void aHalfCaOrGarbageIsReportedWithoutLeakingTheKey(@TempDir Path dir) throws IOException {
        CertificateAuthority.loadOrCreate(dir);
        String key = Files.readString(dir.resolve(CertificateAuthority.KEY_FILE));
        Files.writeString(dir.resolve(CertificateAuthority.CERT_FILE), "not a certificate");
        IOException bad = assertThrows(IOException.class, () -> CertificateAuthority.loadOrCreate(dir));
        assertTrue(bad.getMessage().contains("does not hold a PEM certificate"), bad.getMessage());

        Files.delete(dir.resolve(CertificateAuthority.CERT_FILE));
        IOException half = assertThrows(IOException.class, () -> CertificateAuthority.loadOrCreate(dir));
        assertTrue(half.getMessage().contains("incomplete"), half.getMessage());
        for (String line : key.split("\n")) {
            if (!line.startsWith("-----")) {
                assertFalse(bad.getMessage().contains(line) || half.getMessage().contains(line));
            }
        }
    }

    @Test
    void opensslAgreesThatItIsACaAndThatItSignedALeaf(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(onPath("openssl"), "openssl is not installed: apt-get install openssl");
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir);
        LeafCertificates leaves = new LeafCertificates(ca);
        LeafCertificates.Leaf leaf = leaves.leafFor(LeafCertificates.Names.of("localhost", List.of(), List.of("127.0.0.1")));
        Path leafPem = dir.resolve("leaf.pem");
        Files.writeString(leafPem, CertificateAuthority.pem(leaf.certificate()));
        String text = run("openssl", "x509", "-in", dir.resolve(CertificateAuthority.CERT_FILE).toString(), "-noout", "-text");
        assertTrue(text.contains("CA:TRUE"), text);
        assertTrue(text.contains("Certificate Sign, CRL Sign"), text);
        String verify = run("openssl", "verify", "-CAfile", dir.resolve(CertificateAuthority.CERT_FILE).toString(),
                "-verify_hostname", "localhost", "-verify_ip", "127.0.0.1", leafPem.toString());
        assertTrue(verify.contains("leaf.pem: OK"), verify);
    }

    static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS));
        return out;
    }
}
