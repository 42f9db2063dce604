package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.capture.CaptureFile;
import wirelens.capture.SmtpTranscripts;
import wirelens.proto.smtp.Exchange;
import wirelens.proto.smtp.SmtpSession;
import wirelens.testkit.Aiosmtpd;
import wirelens.testkit.Commands;
import wirelens.testkit.HeadlessWirelens;
import wirelens.testkit.Loopback;
import wirelens.testkit.Nginx;
import wirelens.testkit.Openssl;
import wirelens.testkit.Python;
import wirelens.testkit.Swaks;
import wirelens.testkit.TlsSockets;
import wirelens.testkit.Tshark;
import wirelens.testkit.Wait;

/**
 * TLS interception on the real command line: a headless Wirelens in a child JVM between real clients
 * (curl, openssl s_client, Java's HttpClient, swaks) and real servers (nginx and aiosmtpd with an openssl
 * self-signed certificate), all on loopback, every client trusting the CA {@code --print-ca} printed.
 *
 * <p>The peers and the Wirelens runs that several tests share are started on first need and stopped after
 * the last test; each test finds its own connections by number ({@link HeadlessWirelens#lastConnection}),
 * since the tests of a class run one after another.
 */
class TlsInterceptionTest {
    @TempDir
    static Path dir;

    private static Openssl.Certificate serverCertificate;
    private static Path caDir;
    private static Path caPem;
    private static byte[] small;
    private static byte[] big;
    private static Nginx nginx;
    private static int nginxPort;
    /** {@code --upstream-ca} the server's certificate: a proxy and a forward listener to nginx. */
    private static HeadlessWirelens trusting;
    /** No {@code --upstream-ca}, and {@code --tls-passthrough} for nginx by its address. */
    private static HeadlessWirelens untrusting;

    @AfterAll
    static void stopPeers() throws Exception {
        for (AutoCloseable peer : new AutoCloseable[] {trusting, untrusting, nginx}) {
            if (peer != null) {
                peer.close();
            }
        }
    }

    // ---- 1. curl through the proxy -------------------------------------------------------------------

    @Test
    void curlThroughTheProxyGetsExactBodiesOnOneVerifiedKeptAliveConnection() throws Exception {
        HeadlessWirelens w = trusting();
        long id = w.lastConnection() + 1;
        int logged = nginx.accessLog().size();
        Path smallOut = dir.resolve("proxy-small.out");
        Path bigOut = dir.resolve("proxy-big.out");
        Commands.Result r = curl("--cacert", caPem.toString(), "-x", "http://127.0.0.1:" + w.proxyPort(),
                url("small.bin"), "-o", smallOut.toString(), url("big.bin"), "-o", bigOut.toString());
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(small, Files.readAllBytes(smallOut), "1 KiB body byte for byte");
        assertArrayEquals(big, Files.readAllBytes(bigOut), "4 MiB body byte for byte");

        w.awaitLine("#" + id + " (closed|reset) .*");
        List<String> lines = w.linesOf(id);
        assertTrue(lines.stream().anyMatch(l -> l.matches(tlsServerLine(id, "verified"))), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches("#" + id + " tls client TLSv1\\.3 \\S+ sni=localhost alpn=http/1\\.1")),
                lines.toString());
        assertEquals(List.of(), w.linesOf(id + 1), "both requests went over one connection");
        List<String> requests = nginx.accessLog().subList(logged, nginx.accessLog().size());
        assertEquals(2, requests.size(), requests.toString());
        String connection = requests.get(0).split(" ")[0];
        assertEquals(List.of(connection + " 1 \"GET /small.bin HTTP/1.1\" 200", connection + " 2 \"GET /big.bin HTTP/1.1\" 200"),
                requests, "nginx served both on one kept-alive connection");
    }

    @Test
    void curlWithoutTheCaRefusesAndWirelensSaysItDoesNotTrustTheCa() throws Exception {
        HeadlessWirelens w = trusting();
        long id = w.lastConnection() + 1;
        Commands.Result r = curl("-x", "http://127.0.0.1:" + w.proxyPort(), url("small.bin"), "-o", "/dev/null");
        assertEquals(60, r.exit(), "curl: the certificate is not trusted\n" + r.err());
        w.awaitLine("#" + id + " tls client failed: the client does not trust the Wirelens CA for localhost.*");
        assertTrue(Wait.eventually(() -> w.errors().lines().anyMatch(l -> l.contains("#" + id + " ") && l.contains("trust")
                && l.contains("localhost"))), w.errors());
    }

    @Test
    void aClientThatClosesRightAfterTheHandshakeIsToldApartFromOneThatSendsAnAlert() throws Exception {
        HeadlessWirelens w = trusting();
        long id = w.lastConnection() + 1;
        // as a client that pins its certificate does: the handshake completes, then the socket closes unsaid
        try (Socket plain = Loopback.connect(w.forwardPort(0))) {
            TlsSockets.startClient(TlsSockets.trusting(caPem), plain, "localhost");
        }
        w.awaitLine("#" + id + " tls client failed: the client closed right after the TLS handshake for localhost:"
                + nginxPort + " without an alert.*");
        assertTrue(Wait.eventually(() -> w.errors().lines().anyMatch(l -> l.contains("#" + id + " ")
                && l.contains("may pin its certificate") && l.contains("trust") && l.contains("localhost"))), w.errors());
        List<String> lines = w.linesOf(id);
        assertFalse(lines.stream().anyMatch(l -> l.contains("does not trust the Wirelens CA")), lines.toString());
    }

    @Test
    void aClientThatLeavesAfterAServersGreetingWithoutAWordIsToldAboutToo() throws Exception {
        Aiosmtpd.assumeInstalled();
        Openssl.Certificate cert = serverCertificate();
        Path run = Files.createTempDirectory(dir, "greeting");
        try (Aiosmtpd smtps = Aiosmtpd.storing(Files.createDirectories(run.resolve("smtps")), false,
                "--smtpscert", cert.cert().toString(), "--smtpskey", cert.key().toString());
                HeadlessWirelens w = HeadlessWirelens.start(run, "--ca-dir", caDir().toString(), "--upstream-ca",
                        cert.cert().toString(), "--forward", "0:127.0.0.1:" + smtps.port())) {
            // the server speaks first (SMTPS): a pinning client reads its greeting over TLS, then hangs up unsaid
            try (Socket plain = Loopback.connect(w.forwardPort(0));
                    SSLSocket tls = TlsSockets.startClient(TlsSockets.trusting(caPem), plain, "localhost")) {
                String greeting = new java.io.BufferedReader(new java.io.InputStreamReader(tls.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                assertTrue(greeting.startsWith("220 "), greeting);
            }
            w.awaitLine("#1 tls client failed: the client closed right after the TLS handshake for localhost:"
                    + smtps.port() + " without an alert.*");
        }
    }

    // ---- 2. a forward listener in front of nginx -----------------------------------------------------

    @Test
    void aForwardListenerShowsALeafOfTheCaWithTheUpstreamsNames() throws Exception {
        HeadlessWirelens w = trusting();
        int port = w.forwardPort(0);
        Path out = dir.resolve("forward-small.out");
        Commands.Result r = curl("--cacert", caPem.toString(), "--resolve", "localhost:" + port + ":127.0.0.1",
                "https://localhost:" + port + "/small.bin", "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(small, Files.readAllBytes(out));

        String session = Commands.run("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost",
                "-CAfile", caPem.toString()).text();
        assertTrue(session.contains("Verify return code: 0 (ok)"), session);
        Matcher pem = Pattern.compile("-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n", Pattern.DOTALL).matcher(session);
        assertTrue(pem.find(), session);
        Path leaf = Files.writeString(dir.resolve("leaf.pem"), pem.group());
        String subject = Commands.check("openssl", "x509", "-in", leaf.toString(), "-noout", "-subject").strip();
        assertTrue(subject.matches("subject=CN = localhost(, .*)?"), subject);
        String issuer = Commands.check("openssl", "x509", "-in", leaf.toString(), "-noout", "-issuer").strip();
        String caSubject = Commands.check("openssl", "x509", "-in", caPem.toString(), "-noout", "-subject").strip();
        assertEquals(caSubject.replaceFirst("^subject=", "issuer="), issuer, "issued by the Wirelens CA");
        String names = Commands.check("openssl", "x509", "-in", leaf.toString(), "-noout", "-ext", "subjectAltName");
        assertTrue(names.contains("DNS:localhost"), names);
        assertTrue(names.contains("IP Address:127.0.0.1"), "copied from the upstream certificate: " + names);
    }

    @Test
    void pythonsSslModuleTrustingTheCaGetsTheBodyThroughAForwardListener() throws Exception {
        Python.assumeInstalled();
        HeadlessWirelens w = trusting();
        int port = w.forwardPort(0);
        // the standard library's own TLS (OpenSSL underneath), verifying chain and host name
        String script = String.join("\n",
                "import hashlib, socket, ssl, sys",
                "ctx = ssl.create_default_context(cafile=sys.argv[1])",
                "with socket.create_connection(('127.0.0.1', int(sys.argv[2])), timeout=20) as raw:",
                "    with ctx.wrap_socket(raw, server_hostname='localhost') as s:",
                "        s.sendall(b'GET /small.bin HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n')",
                "        data = b''",
                "        while True:",
                "            chunk = s.recv(65536)",
                "            if not chunk:",
                "                break",
                "            data += chunk",
                "        head, _, body = data.partition(b'\\r\\n\\r\\n')",
                "        print(s.version(), head.split(b'\\r\\n')[0].decode(), hashlib.sha256(body).hexdigest())");
        Commands.Result r = Commands.run(dir, List.of(Python.EXECUTABLE, "-c", script, caPem.toString(),
                Integer.toString(port)));
        assertEquals(0, r.exit(), r.err());
        String expected = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(small));
        assertTrue(r.text().strip().matches("TLSv1\\.[23] HTTP/1\\.1 200 OK " + expected), r.text());
    }

    // ---- 3. --print-ca -------------------------------------------------------------------------------

    @Test
    void printCaPrintsOneCaCertificateAndKeepsItsKeyPrivate() throws Exception {
        Openssl.assumeInstalled();
        Path fresh = dir.resolve("fresh-ca");
        String first = printCa(fresh);
        Path pem = Files.writeString(dir.resolve("fresh-ca.pem"), first);
        String text = Commands.check("openssl", "x509", "-in", pem.toString(), "-noout", "-text");
        assertTrue(text.contains("CA:TRUE"), text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.resolve("ca-key.pem"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
        assertEquals(first, printCa(fresh), "a second --print-ca prints the same certificate");
    }

    // ---- 4. Java's HttpClient ------------------------------------------------------------------------

    @Test
    void javaHttpClientTrustingOnlyTheCaGetsTheBodyThroughTheProxy() throws Exception {
        HeadlessWirelens w = trusting();
        long id = w.lastConnection() + 1;
        HttpClient client = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", w.proxyPort())))
                .sslContext(TlsSockets.trusting(caPem))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(url("small.bin")))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertArrayEquals(small, response.body());
        // the client offered h2 too; Wirelens offers the server only what it decodes, and the client follows
        assertEquals(HttpClient.Version.HTTP_1_1, response.version());
        w.awaitLine("#" + id + " tls client TLSv1\\.3 \\S+ sni=localhost alpn=http/1\\.1");
    }

    // ---- 5. swaks: STARTTLS and SMTPS to aiosmtpd ----------------------------------------------------

    @Test
    void swaksStartTlsAndSmtpsAreDecryptedAndRecorded() throws Exception {
        MailRun run = sendMailOverStartTlsAndSmtps();
        assertTrue(run.output().lines().anyMatch(l -> l.matches("#1 tls server TLSv1\\.[23] \\S+ sni=localhost verified STARTTLS")),
                run.output());
        assertTrue(run.output().lines().anyMatch(l -> l.matches("#1 tls client TLSv1\\.[23] \\S+ sni=localhost STARTTLS")),
                run.output());
        assertTrue(run.output().lines().anyMatch(l -> l.matches("#2 tls server TLSv1\\.[23] \\S+ sni=localhost verified")),
                run.output());
        if (Tshark.installed()) {
            String c2s = new String(Tshark.follow(run.capture(), 0)[0], StandardCharsets.ISO_8859_1);
            int startTls = c2s.indexOf("STARTTLS\r\n");
            assertTrue(startTls > 0 && c2s.indexOf("MAIL FROM:<alice@example.test>") > startTls,
                    "tshark reads the decrypted commands after STARTTLS:\n" + c2s);
        }
        Path smtpsExport = exportEml(run.capture()).resolve("conn-2-msg-1.eml");
        assertArrayEquals(run.smtpsMessage(), Files.readAllBytes(smtpsExport), "the SMTPS message, byte for byte");
    }

    @Test
    void theSmtpTranscriptAndEmlExportGoOnAfterStartTls() throws Exception {
        MailRun run = sendMailOverStartTlsAndSmtps();
        try (CaptureFile file = CaptureFile.open(run.capture())) {
            SmtpSession s = SmtpTranscripts.decode(file, 1);
            List<String> verbs = s.exchanges().stream().map(Exchange::verb).toList();
            int startTls = verbs.indexOf("STARTTLS");
            assertTrue(startTls > 0, verbs.toString());
            assertEquals(List.of("EHLO", "MAIL", "RCPT", "DATA"), verbs.subList(startTls + 1, Math.min(verbs.size(), startTls + 5)),
                    "the decrypted session, decoded after STARTTLS: " + s.exchanges());
            assertArrayEquals(run.startTlsMessage(), s.messages().get(0).bytes());
        }
        Path export = exportEml(run.capture()).resolve("conn-1-msg-1.eml");
        assertTrue(Files.exists(export), "the message sent after STARTTLS is exported");
        assertArrayEquals(run.startTlsMessage(), Files.readAllBytes(export), "the STARTTLS message, byte for byte");
    }

    @Test
    void theMessagesListHasEveryMessageWithItsSecurity() throws Exception {
        MailRun run = sendMailOverStartTlsAndSmtps();
        List<String> all = messages(run.capture(), null);
        assertEquals(3, all.size(), all.toString());
        assertTrue(all.get(0).matches("#1 alice@example\\.test -> bob@example\\.test \"over STARTTLS\" \\d+ 250"), all.get(0));
        assertTrue(all.get(1).matches("#2 alice@example\\.test -> carol@example\\.test \"over SMTPS\" \\d+ 250"), all.get(1));
        assertEquals("#3 dan@example.test -> - \"\" 0 530", all.get(2), "MAIL refused before any RCPT");
        assertEquals(List.of(all.get(0)), messages(run.capture(), "tls:starttls"));
        assertEquals(List.of(all.get(1)), messages(run.capture(), "tls:~^tls$"));
        assertEquals(List.of(all.get(1)), messages(run.capture(), "to:carol"));
        assertEquals(List.of(all.get(0)), messages(run.capture(), "!subject:smtps from:alice status:2xx"));
        assertEquals(List.of(all.get(2)), messages(run.capture(), "status:5xx"));
        assertEquals(List.of(all.get(0), all.get(1)), messages(run.capture(), "\"example.test\" ~^over"));
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"--read", run.capture().toString(), "--messages", "size:3"},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertEquals(2, code);
        assertTrue(err.toString().startsWith("wirelens: --messages: no field 'size:'"), err.toString());
    }

    /** {@code wirelens --read CAPTURE --messages [FILTER]} in this JVM: its lines. */
    private static List<String> messages(Path capture, String filter) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = filter == null ? new String[] {"--read", capture.toString(), "--messages"}
                : new String[] {"--read", capture.toString(), "--messages", filter};
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        return out.toString().lines().toList();
    }

    /** A finished mail run: Wirelens' capture and stdout, and each message as aiosmtpd stored it. */
    private record MailRun(Path capture, String output, byte[] startTlsMessage, byte[] smtpsMessage) {}

    /**
     * swaks STARTTLS (connection #1) and SMTPS (#2) through two forward listeners of a capturing Wirelens
     * to aiosmtpd, each client verifying the Wirelens CA; returns once Wirelens has exited and both
     * messages are stored.
     */
    private static MailRun sendMailOverStartTlsAndSmtps() throws Exception {
        Aiosmtpd.assumeInstalled();
        Swaks.assumeInstalled();
        Swaks.assumeTls();
        Openssl.Certificate cert = serverCertificate();
        Path run = Files.createTempDirectory(dir, "mail");
        Path capture = run.resolve("mail.pcapng");
        try (Aiosmtpd startTls = Aiosmtpd.storing(Files.createDirectories(run.resolve("starttls")), false,
                "--tlscert", cert.cert().toString(), "--tlskey", cert.key().toString());
                Aiosmtpd smtps = Aiosmtpd.storing(Files.createDirectories(run.resolve("smtps")), false,
                        "--smtpscert", cert.cert().toString(), "--smtpskey", cert.key().toString());
                HeadlessWirelens w = HeadlessWirelens.start(run, "--ca-dir", caDir().toString(), "--upstream-ca",
                        cert.cert().toString(), "--capture", capture.toString(),
                        "--forward", "0:127.0.0.1:" + startTls.port(), "--forward", "0:127.0.0.1:" + smtps.port())) {
            String transcript = Swaks.send(w.forwardPort(0), "--tls", "--tls-verify", "--tls-ca-path", caPem.toString(),
                    "--tls-sni", "localhost", "--from", "alice@example.test", "--to", "bob@example.test",
                    "--header", "Subject: over STARTTLS", "--body", "sent after STARTTLS");
            Path stored = startTls.store().resolve("msg-1.eml");
            Wait.until("aiosmtpd stores the STARTTLS message", () -> Files.exists(stored));
            assertTrue(Files.readString(stored).contains("sent after STARTTLS"), transcript);
            w.awaitLine("#1 (closed|reset) .*"); // swaks and aiosmtpd end TLS sessions with a reset now and then

            transcript = Swaks.send(w.forwardPort(1), "--tlsc", "--tls-verify", "--tls-ca-path", caPem.toString(),
                    "--tls-sni", "localhost", "--from", "alice@example.test", "--to", "carol@example.test",
                    "--header", "Subject: over SMTPS", "--body", "sent over SMTPS");
            Path storedSmtps = smtps.store().resolve("msg-1.eml");
            Wait.until("aiosmtpd stores the SMTPS message", () -> Files.exists(storedSmtps));
            assertTrue(Files.readString(storedSmtps).contains("sent over SMTPS"), transcript);
            w.awaitLine("#2 (closed|reset) .*");

            // this aiosmtpd wants STARTTLS first: a plain MAIL is refused with 530, a transaction all the same
            Swaks.run("--server", "127.0.0.1:" + w.forwardPort(0), "--from", "dan@example.test",
                    "--to", "erin@example.test", "--body", "sent in the clear");
            w.awaitLine("#3 (closed|reset) .*");
            w.stop();
            return new MailRun(capture, w.output(), Files.readAllBytes(stored), Files.readAllBytes(storedSmtps));
        }
    }

    /** {@code wirelens --read CAPTURE --export-eml DIR} in this JVM; returns DIR. */
    private static Path exportEml(Path capture) {
        Path export = capture.resolveSibling("export");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"--read", capture.toString(), "--export-eml", export.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        return export;
    }

    // ---- 8. servers Wirelens does not trust ----------------------------------------------------------

    @Test
    void anUntrustedServerThroughTheProxyIsA502ThatSaysWhy() throws Exception {
        HeadlessWirelens w = untrusting();
        long id = w.lastConnection() + 1;
        Path body = dir.resolve("502.out");
        Commands.Result r = curl("--cacert", caPem.toString(), "-x", "http://127.0.0.1:" + w.proxyPort(),
                "-w", "%{http_code}", url("small.bin"), "-o", body.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("502", r.text());
        String why = Files.readString(body);
        assertTrue(why.startsWith("the certificate of localhost:" + nginxPort + " is not trusted"), why);
        w.awaitLine("#" + id + " tls server failed: the certificate of localhost:" + nginxPort + " is not trusted.*");
    }

    @Test
    void anUntrustedServerBehindAForwardListenerEndsTheClientsHandshake() throws Exception {
        HeadlessWirelens w = untrusting();
        long id = w.lastConnection() + 1;
        int port = w.forwardPort(0);
        Commands.Result r = curl("--cacert", caPem.toString(), "--resolve", "localhost:" + port + ":127.0.0.1",
                "https://localhost:" + port + "/small.bin", "-o", "/dev/null");
        assertEquals(35, r.exit(), "curl: the handshake failed\n" + r.err());
        w.awaitLine("#" + id + " error the certificate of localhost:" + nginxPort + " is not trusted.*");
    }

    @Test
    void upstreamInsecureTrustsTheSameServerAndSaysItIsNotVerified() throws Exception {
        nginx();
        try (HeadlessWirelens w = HeadlessWirelens.start(dir, "--ca-dir", caDir().toString(), "--upstream-insecure",
                "--http-proxy", "0")) {
            Path out = dir.resolve("insecure.out");
            Commands.Result r = curl("--cacert", caPem.toString(), "-x", "http://127.0.0.1:" + w.proxyPort(),
                    url("small.bin"), "-o", out.toString());
            assertEquals(0, r.exit(), r.err());
            assertArrayEquals(small, Files.readAllBytes(out));
            w.awaitLine(tlsServerLine(1, "NOT VERIFIED"));
        }
    }

    // ---- 9, 10. TLS relayed untouched ----------------------------------------------------------------

    @Test
    void aPassthroughHostShowsTheClientItsOwnCertificate() throws Exception {
        HeadlessWirelens w = untrusting();
        long id = w.lastConnection() + 1;
        Path out = dir.resolve("passthrough.out");
        Commands.Result r = curl("--cacert", serverCertificate().cert().toString(), "-x", "http://127.0.0.1:" + w.proxyPort(),
                "https://127.0.0.1:" + nginxPort + "/small.bin", "-o", out.toString());
        assertEquals(0, r.exit(), "curl verified the server's own certificate\n" + r.err());
        assertArrayEquals(small, Files.readAllBytes(out));
        w.awaitLine("#" + id + " tls passthrough 127\\.0\\.0\\.1:" + nginxPort);
    }

    @Test
    void noTlsInterceptRelaysTheTunnelOpaque() throws Exception {
        nginx();
        try (HeadlessWirelens w = HeadlessWirelens.start(dir, "--ca-dir", caDir().toString(), "--no-tls-intercept",
                "--http-proxy", "0")) {
            Path out = dir.resolve("opaque.out");
            Commands.Result r = curl("--cacert", serverCertificate().cert().toString(), "-x",
                    "http://127.0.0.1:" + w.proxyPort(), url("small.bin"), "-o", out.toString());
            assertEquals(0, r.exit(), "curl verified the server's own certificate\n" + r.err());
            assertArrayEquals(small, Files.readAllBytes(out));
            w.awaitLine("#1 (closed|reset) .*");
            assertFalse(w.output().contains(" tls "), w.output());
        }
    }

    // ---- peers ---------------------------------------------------------------------------------------

    /** The headless line (a regular expression) of connection {@code id}'s leg to nginx, through the proxy. */
    private static String tlsServerLine(long id, String verification) {
        return "#" + id + " tls server TLSv1\\.[23] \\S+ sni=localhost alpn=http/1\\.1 " + verification;
    }

    private static String url(String file) {
        return "https://localhost:" + nginxPort + "/" + file;
    }

    /** {@code curl -sS ARGS...} from the test folder, stdout and stderr apart. */
    private static Commands.Result curl(String... args) throws Exception {
        Commands.assumeInstalled("/usr/bin/curl", "curl");
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));
        command.addAll(List.of(args));
        return Commands.run(dir, command);
    }

    /** {@code wirelens --print-ca --ca-dir DIR}, in this JVM. */
    private static String printCa(Path ca) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"--print-ca", "--ca-dir", ca.toString()}, new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().startsWith("-----BEGIN CERTIFICATE-----"), out.toString());
        return out.toString();
    }

    /** The CA every Wirelens of this class uses, and its certificate in {@link #caPem}. */
    private static synchronized Path caDir() throws Exception {
        if (caDir == null) {
            Path d = dir.resolve("ca");
            caPem = Files.writeString(dir.resolve("wirelens-ca.pem"), printCa(d));
            caDir = d;
        }
        return caDir;
    }

    private static synchronized Openssl.Certificate serverCertificate() throws Exception {
        if (serverCertificate == null) {
            serverCertificate = Openssl.selfSigned(Files.createDirectories(dir.resolve("server")));
        }
        return serverCertificate;
    }

    /** nginx over TLS with the self-signed certificate, serving small.bin (1 KiB) and big.bin (4 MiB). */
    private static synchronized Nginx nginx() throws Exception {
        if (nginx == null) {
            Nginx.assumeInstalled();
            Openssl.Certificate cert = serverCertificate();
            Path root = Files.createDirectories(dir.resolve("www"));
            Random random = new Random(17);
            small = new byte[1024];
            big = new byte[4 << 20];
            random.nextBytes(small);
            random.nextBytes(big);
            Files.write(root.resolve("small.bin"), small);
            Files.write(root.resolve("big.bin"), big);
            nginxPort = Loopback.freePort();
            nginx = Nginx.serveTls(Files.createDirectories(dir.resolve("nginx")), cert, root, nginxPort);
        }
        return nginx;
    }

    private static synchronized HeadlessWirelens trusting() throws Exception {
        if (trusting == null) {
            nginx();
            trusting = HeadlessWirelens.start(dir, "--ca-dir", caDir().toString(), "--upstream-ca",
                    serverCertificate().cert().toString(), "--http-proxy", "0", "--forward", "0:127.0.0.1:" + nginxPort);
        }
        return trusting;
    }

    private static synchronized HeadlessWirelens untrusting() throws Exception {
        if (untrusting == null) {
            nginx();
            untrusting = HeadlessWirelens.start(dir, "--ca-dir", caDir().toString(), "--tls-passthrough",
                    "^127\\.0\\.0\\.1:" + nginxPort + "$", "--http-proxy", "0", "--forward", "0:127.0.0.1:" + nginxPort);
        }
        return untrusting;
    }
}
