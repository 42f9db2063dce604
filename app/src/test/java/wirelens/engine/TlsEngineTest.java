package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.testkit.EngineRig;
import wirelens.testkit.Latin1;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;
import wirelens.testkit.Openssl;
import wirelens.testkit.StartTlsServer;
import wirelens.testkit.TlsSockets;
import wirelens.testkit.Wait;
import wirelens.tls.CertificateAuthority;
import wirelens.tls.TlsEngines;
import wirelens.tls.UpstreamTrust;

/**
 * The engine with TLS interception on, between the tests' own Java peers on loopback: mail sessions that
 * switch to TLS at the server's go-ahead (SMTP, IMAP, POP3), the STARTTLS command injection, and plain
 * traffic that must pass as it did without interception. The servers show an openssl self-signed
 * certificate that the engine trusts; the clients trust only the engine's CA.
 */
class TlsEngineTest {
    @TempDir
    static Path dir;

    private static CertificateAuthority ca;
    private static Openssl.Certificate serverCertificate;

    @BeforeAll
    static void createCa() throws Exception {
        ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"));
    }

    // ---- 6. STARTTLS command injection ---------------------------------------------------------------

    @Test
    void aCommandPipelinedAfterStartTlsNeverReachesTheServer() throws Exception {
        try (StartTlsServer server = new StartTlsServer(StartTlsServer.Protocol.SMTP, TlsSockets.serverContext(cert()));
                EngineRig rig = interceptingMail()) {
            int port = rig.forward(server.port());
            try (Socket c = Loopback.connect(port)) {
                InputStream in = c.getInputStream();
                assertEquals("220 mail.test ESMTP ready", Loopback.readLine(in));
                Loopback.send(c, Latin1.bytes("EHLO client.test\r\n"));
                assertEquals("250-mail.test", Loopback.readLine(in));
                assertEquals("250 STARTTLS", Loopback.readLine(in));
                // one write: the injected command travels in the same segment as STARTTLS
                Loopback.send(c, Latin1.bytes("STARTTLS\r\nMAIL FROM:<evil@x>\r\n"));
                assertEquals("220 2.0.0 ready to start TLS", Loopback.readLine(in));
                assertEquals("250 over tls: EHLO client.test", overTls(c, "EHLO client.test"));
            }
            Wait.until("the server reads a line over TLS", () -> server.tlsLine() != null);
            assertEquals("EHLO client.test\r\nSTARTTLS\r\n", server.plaintext(), "nothing after STARTTLS in plaintext");
            assertEquals("EHLO client.test", server.tlsLine(), "nor was it sent inside TLS");
            EngineEvent.Notice notice = rig.await(EngineEvent.Notice.class, n -> n.message().contains("not forwarded"));
            assertTrue(notice.message().startsWith("20 bytes the client sent after STARTTLS"), notice.message());
            assertStartTlsOnBothLegs(rig);
            assertEquals(List.of(), server.failures());
        }
    }

    // ---- 7. IMAP STARTTLS and POP3 STLS --------------------------------------------------------------

    @Test
    void imapStartTlsCarriesLinesBothWaysOverTls() throws Exception {
        startTlsSession(StartTlsServer.Protocol.IMAP, new String[][] {
            {"a1 CAPABILITY", "* CAPABILITY IMAP4rev1 STARTTLS", "a1 OK done"},
            {"a2 STARTTLS", "a2 OK begin TLS"}},
                "a3 NOOP", "* OK over tls: a3 NOOP");
    }

    @Test
    void pop3StlsCarriesLinesBothWaysOverTls() throws Exception {
        startTlsSession(StartTlsServer.Protocol.POP3, new String[][] {
            {"CAPA", "+OK", "STLS", "."},
            {"STLS", "+OK begin TLS"}},
                "USER alice", "+OK over tls: USER alice");
    }

    /**
     * Reads the greeting, sends each dialog line's command and reads its reply lines, begins TLS (the last
     * reply is the go-ahead), then sends {@code command} over TLS and reads {@code reply}.
     */
    private void startTlsSession(StartTlsServer.Protocol protocol, String[][] dialog, String command, String reply)
            throws Exception {
        try (StartTlsServer server = new StartTlsServer(protocol, TlsSockets.serverContext(cert()));
                EngineRig rig = interceptingMail()) {
            int port = rig.forward(server.port());
            String plaintext;
            try (Socket c = Loopback.connect(port)) {
                InputStream in = c.getInputStream();
                assertNotNull(Loopback.readLine(in), "the greeting");
                StringBuilder sent = new StringBuilder();
                for (String[] exchange : dialog) {
                    Loopback.send(c, Latin1.bytes(exchange[0] + "\r\n"));
                    sent.append(exchange[0]).append("\r\n");
                    for (int i = 1; i < exchange.length; i++) {
                        assertEquals(exchange[i], Loopback.readLine(in), "reply to " + exchange[0]);
                    }
                }
                plaintext = sent.toString();
                assertEquals(reply, overTls(c, command), "the server's line, read over TLS");
            }
            Wait.until("the server reads a line over TLS", () -> server.tlsLine() != null);
            assertEquals(command, server.tlsLine(), "the client's line, read by the server over TLS");
            assertEquals(plaintext, server.plaintext());
            assertStartTlsOnBothLegs(rig);
            assertEquals(List.of(), server.failures());
        }
    }

    // ---- 11. plain traffic stays plain ---------------------------------------------------------------

    @Test
    void plainBytesOnAForwardListenerPassByteExact() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(11).nextBytes(data);
        try (LoopbackServer echo = LoopbackServer.echo(); EngineRig rig = intercepting(UpstreamTrust.system())) {
            rig.keepEvents(false);
            int port = rig.forward(echo.port());
            try (Socket c = Loopback.connect(port)) {
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        c.getOutputStream().write(data);
                        c.shutdownOutput();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                byte[] back = c.getInputStream().readAllBytes();
                writer.get(Wait.SECONDS, TimeUnit.SECONDS);
                assertArrayEquals(data, back, "1 MiB of random bytes echoed byte for byte");
            }
        }
    }

    @Test
    void aServerThatSpeaksFirstIsHeardBeforeTheClientSaysAnything() throws Exception {
        try (LoopbackServer sshLike = new LoopbackServer(s -> {
            OutputStream out = s.getOutputStream();
            out.write(Latin1.bytes("SSH-2.0-OpenSSH_9.2 test\r\n"));
            out.flush();
            out.write(Latin1.bytes("echo: " + Loopback.readLine(s.getInputStream()) + "\r\n"));
        }); EngineRig rig = intercepting(UpstreamTrust.system())) {
            int port = rig.forward(sshLike.port());
            try (Socket c = Loopback.connect(port)) {
                assertEquals("SSH-2.0-OpenSSH_9.2 test", Loopback.readLine(c.getInputStream()), "the banner, unasked");
                Loopback.send(c, Latin1.bytes("SSH-2.0-client\r\n"));
                assertEquals("echo: SSH-2.0-client", Loopback.readLine(c.getInputStream()));
            }
            assertEquals(List.of(), rig.all(EngineEvent.Tls.class), "no TLS where there is none");
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** Begins TLS on {@code plain} trusting only the engine's CA, sends a line, returns the line read back. */
    private static String overTls(Socket plain, String line) throws Exception {
        SSLSocket tls = TlsSockets.startClient(TlsSockets.trusting(ca.certificateFile()), plain, "localhost");
        Loopback.send(tls, Latin1.bytes(line + "\r\n"));
        String answer = Loopback.readLine(tls.getInputStream());
        tls.close();
        return answer;
    }

    private static void assertStartTlsOnBothLegs(EngineRig rig) throws Exception {
        EngineEvent.Tls server = rig.await(EngineEvent.Tls.class, t -> t.side() == Side.TARGET);
        assertEquals(EngineEvent.Tls.Kind.HANDSHAKE_DONE, server.kind(), String.valueOf(server.detail()));
        assertTrue(server.facts().verified());
        assertTrue(server.startTls());
        EngineEvent.Tls client = rig.await(EngineEvent.Tls.class, t -> t.side() == Side.CLIENT);
        assertEquals(EngineEvent.Tls.Kind.HANDSHAKE_DONE, client.kind(), String.valueOf(client.detail()));
        assertEquals("localhost", client.facts().serverName());
        assertTrue(client.startTls());
    }

    /** An engine that intercepts TLS with the test CA and verifies servers against {@code trust}. */
    private static EngineRig intercepting(UpstreamTrust trust) throws Exception {
        TlsOptions tls = TlsOptions.of(new TlsEngines(ca, trust));
        EngineRig rig = new EngineRig();
        rig.engine.setTls(tls);
        return rig;
    }

    /** As {@link #intercepting(UpstreamTrust)}, trusting the mail servers' self-signed certificate. */
    private static EngineRig interceptingMail() throws Exception {
        return intercepting(UpstreamTrust.withCaFiles(List.of(cert().cert()), false));
    }

    private static synchronized Openssl.Certificate cert() throws Exception {
        if (serverCertificate == null) {
            serverCertificate = Openssl.selfSigned(Files.createDirectories(dir.resolve("server")));
        }
        return serverCertificate;
    }
}
