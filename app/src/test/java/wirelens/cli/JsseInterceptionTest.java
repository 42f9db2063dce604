package wirelens.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.testkit.Aiosmtpd;
import wirelens.testkit.Commands;
import wirelens.testkit.HeadlessWirelens;
import wirelens.testkit.Loopback;
import wirelens.testkit.Nginx;
import wirelens.testkit.Openssl;
import wirelens.testkit.Swaks;
import wirelens.testkit.Wait;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS interception with the JDK's JSSE ({@code -Dwirelens.tls=jdk}) on the real command line, between
 * real peers: curl through the proxy to nginx, a server that greets first (aiosmtpd over SMTPS), and a
 * server Wirelens does not trust. The rest of the TLS tests run with the default, BoringSSL (or with JSSE
 * for every child Wirelens: {@code mvn test -Dwirelens.tls=jdk}).
 */
class JsseInterceptionTest {
    private static final List<String> JSSE = List.of("-Dwirelens.tls=jdk");

    @TempDir
    Path dir;

    @Test
    void curlThroughTheProxyGetsTheExactBodyAndAnUntrustedServerIsNamedInThe502() throws Exception {
        Nginx.assumeInstalled();
        Commands.assumeInstalled("/usr/bin/curl", "curl");
        Openssl.Certificate cert = Openssl.selfSigned(Files.createDirectories(dir.resolve("server")));
        Path root = Files.createDirectories(dir.resolve("www"));
        byte[] body = new byte[1 << 20];
        new Random(21).nextBytes(body);
        Files.write(root.resolve("body.bin"), body);
        int nginxPort = Loopback.freePort();
        Path caPem = printCa(dir.resolve("ca"));
        try (Nginx nginx = Nginx.serveTls(Files.createDirectories(dir.resolve("nginx")), cert, root, nginxPort);
                HeadlessWirelens trusting = HeadlessWirelens.start(JSSE, dir, "--ca-dir", dir.resolve("ca").toString(),
                        "--upstream-ca", cert.cert().toString(), "--http-proxy", "0");
                HeadlessWirelens untrusting = HeadlessWirelens.start(JSSE, dir, "--ca-dir",
                        dir.resolve("ca").toString(), "--http-proxy", "0")) {
            assertTrue(trusting.errors().contains("TLS: the JDK's JSSE"), trusting.errors());
            String url = "https://localhost:" + nginxPort + "/body.bin";
            Path out = dir.resolve("body.out");
            Commands.Result r = Commands.run(dir, List.of("curl", "-sS", "--max-time", "60", "--cacert", caPem.toString(),
                    "-x", "http://127.0.0.1:" + trusting.proxyPort(), url, "-o", out.toString()));
            assertEquals(0, r.exit(), r.err());
            assertArrayEquals(body, Files.readAllBytes(out));
            trusting.awaitLine("#1 tls server TLSv1\\.[23] \\S+ sni=localhost alpn=http/1\\.1 verified");
            trusting.awaitLine("#1 tls client TLSv1\\.3 \\S+ sni=localhost alpn=http/1\\.1");

            Commands.Result refused = Commands.run(dir, List.of("curl", "-sS", "--max-time", "60", "--cacert",
                    caPem.toString(), "-x", "http://127.0.0.1:" + untrusting.proxyPort(), url));
            String told = new String(refused.out(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(told.startsWith("the certificate of localhost:" + nginxPort + " is not trusted"), told + refused.err());
        }
    }

    @Test
    void aServerThatGreetsFirstOverSmtpsIsHeardAndTheMailArrives() throws Exception {
        Aiosmtpd.assumeInstalled();
        Swaks.assumeInstalled();
        Swaks.assumeTls();
        Openssl.Certificate cert = Openssl.selfSigned(Files.createDirectories(dir.resolve("server")));
        Path caPem = printCa(dir.resolve("ca"));
        try (Aiosmtpd smtps = Aiosmtpd.storing(Files.createDirectories(dir.resolve("smtps")), false,
                "--smtpscert", cert.cert().toString(), "--smtpskey", cert.key().toString());
                HeadlessWirelens w = HeadlessWirelens.start(JSSE, dir, "--ca-dir", dir.resolve("ca").toString(),
                        "--upstream-ca", cert.cert().toString(), "--forward", "0:127.0.0.1:" + smtps.port())) {
            String transcript = Swaks.send(w.forwardPort(0), "--tlsc", "--tls-verify", "--tls-ca-path", caPem.toString(),
                    "--tls-sni", "localhost", "--from", "alice@example.test", "--to", "carol@example.test",
                    "--header", "Subject: over SMTPS", "--body", "sent over SMTPS with JSSE");
            Path stored = smtps.store().resolve("msg-1.eml");
            Wait.until("aiosmtpd stores the SMTPS message", () -> Files.exists(stored));
            assertTrue(Files.readString(stored).contains("sent over SMTPS with JSSE"), transcript);
            assertTrue(transcript.lines().anyMatch(l -> l.contains("<~") && l.contains("220 ")),
                    "the greeting came through TLS: " + transcript);
            w.awaitLine("#1 tls client TLSv1\\.[23] .*");
        }
    }

    /** {@code wirelens --print-ca --ca-dir DIR} in this JVM; the CA's certificate in a file. */
    private Path printCa(Path ca) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, Main.run(new String[] {"--print-ca", "--ca-dir", ca.toString()}, new PrintWriter(out, true),
                new PrintWriter(err, true)), err.toString());
        return Files.writeString(dir.resolve("wirelens-ca.pem"), out.toString());
    }
}
