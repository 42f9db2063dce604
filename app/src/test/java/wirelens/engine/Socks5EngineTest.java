package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLSocket;
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
 * The SOCKS5 listener in the engine, between the tests' own Java peers on loopback: what is stream data
 * and what is the handshake, and STARTTLS intercepted after a CONNECT as on a forward listener.
 */
class Socks5EngineTest {
    @TempDir
    Path dir;

    @Test
    void aClientThatSendsEverythingAtOnceGetsItsDataRelayedAndOnlyItsDataRecorded() throws Exception {
        try (LoopbackServer echo = LoopbackServer.echo(); EngineRig rig = new EngineRig()) {
            int port = rig.listen(ListenerConfig.socks("127.0.0.1", 0, null));
            try (Socket c = Loopback.connect(port)) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                all.writeBytes(new byte[] {5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, (byte) (echo.port() >> 8), (byte) echo.port()});
                all.writeBytes(Latin1.bytes("hello\n"));
                Loopback.send(c, all.toByteArray()); // greeting, request and data in one segment
                DataInputStream in = new DataInputStream(c.getInputStream());
                byte[] replies = new byte[12];
                in.readFully(replies);
                assertEquals(0, replies[1], "no authentication");
                assertEquals(0, replies[3], "succeeded");
                assertEquals("hello\n", Loopback.read(c, 6));
            }
            EngineEvent.Closed closed = rig.await(EngineEvent.Closed.class, e -> true);
            assertEquals(6, closed.bytesClientToServer(), "the handshake is not counted as relayed bytes");
            assertEquals(6, closed.bytesServerToClient());
            EngineEvent.ProxyHandshake h = rig.await(EngineEvent.ProxyHandshake.class, e -> true);
            assertEquals("SOCKS5 CONNECT 127.0.0.1:" + echo.port() + " \u2192 succeeded", h.summary());
            assertEquals(13, h.fromClient().length, "greeting and request, not the data after them");
            assertEquals(12, h.toClient().length);
            assertEquals(echo.port(), rig.await(EngineEvent.TargetConnected.class, e -> true).target().getPort());
            assertEquals("hello\n|hello\n", chunks(rig, Direction.CLIENT_TO_SERVER) + "|"
                    + chunks(rig, Direction.SERVER_TO_CLIENT), "the stream holds the data only");
        }
    }

    @Test
    void aClientThatIsNotSocksIsClosedWithTheReasonAndNoStreamData() throws Exception {
        try (EngineRig rig = new EngineRig()) {
            int port = rig.listen(ListenerConfig.socks("127.0.0.1", 0, null));
            try (Socket c = Loopback.connect(port)) {
                Loopback.send(c, Latin1.bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
                assertEquals(-1, c.getInputStream().read(), "closed without a reply");
            }
            EngineEvent.Closed closed = rig.await(EngineEvent.Closed.class, e -> true);
            assertTrue(closed.reason().startsWith("not SOCKS5: the client's first byte is 0x47"), closed.reason());
            assertEquals(List.of(), rig.all(EngineEvent.Chunk.class));
            assertEquals(closed.reason(), rig.await(EngineEvent.ProxyHandshake.class, e -> true).summary());
        }
    }

    @Test
    void smtpStartTlsAfterAConnectIsInterceptedAsOnAForwardListener() throws Exception {
        Openssl.Certificate cert = Openssl.selfSigned(Files.createDirectories(dir.resolve("server")));
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"));
        try (StartTlsServer server = new StartTlsServer(StartTlsServer.Protocol.SMTP, TlsSockets.serverContext(cert));
                EngineRig rig = new EngineRig()) {
            rig.engine.setTls(TlsOptions.of(new TlsEngines(ca, UpstreamTrust.withCaFiles(List.of(cert.cert()), false))));
            int port = rig.listen(ListenerConfig.socks("127.0.0.1", 0, new SocksCredentials("alice", "pw")));
            try (Socket c = Loopback.connect(port)) {
                DataInputStream in = new DataInputStream(c.getInputStream());
                Loopback.send(c, new byte[] {5, 1, 2});
                byte[] two = new byte[2];
                in.readFully(two);
                assertArrayEquals(new byte[] {5, 2}, two);
                Loopback.send(c, new byte[] {1, 5, 'a', 'l', 'i', 'c', 'e', 2, 'p', 'w'});
                in.readFully(two);
                assertArrayEquals(new byte[] {1, 0}, two, "logged in");
                byte[] name = "localhost".getBytes(StandardCharsets.US_ASCII);
                ByteArrayOutputStream request = new ByteArrayOutputStream();
                request.writeBytes(new byte[] {5, 1, 0, 3, (byte) name.length});
                request.writeBytes(name);
                request.writeBytes(new byte[] {(byte) (server.port() >> 8), (byte) server.port()});
                Loopback.send(c, request.toByteArray());
                in.readFully(new byte[10]);

                InputStream plain = c.getInputStream();
                assertEquals("220 mail.test ESMTP ready", Loopback.readLine(plain));
                Loopback.send(c, Latin1.bytes("EHLO client.test\r\n"));
                assertEquals("250-mail.test", Loopback.readLine(plain));
                assertEquals("250 STARTTLS", Loopback.readLine(plain));
                Loopback.send(c, Latin1.bytes("STARTTLS\r\n"));
                assertEquals("220 2.0.0 ready to start TLS", Loopback.readLine(plain));
                SSLSocket tls = TlsSockets.startClient(TlsSockets.trusting(ca.certificateFile()), c, "localhost");
                Loopback.send(tls, Latin1.bytes("EHLO client.test\r\n"));
                assertEquals("250 over tls: EHLO client.test", Loopback.readLine(tls.getInputStream()));
                tls.close();
            }
            Wait.until("the server reads a line over TLS", () -> server.tlsLine() != null);
            EngineEvent.Tls client = rig.await(EngineEvent.Tls.class, t -> t.side() == Side.CLIENT);
            assertEquals(EngineEvent.Tls.Kind.HANDSHAKE_DONE, client.kind(), String.valueOf(client.detail()));
            assertTrue(client.startTls());
            EngineEvent.Tls target = rig.await(EngineEvent.Tls.class, t -> t.side() == Side.TARGET);
            assertTrue(target.facts().verified());
            String recorded = new String(rig.await(EngineEvent.ProxyHandshake.class, e -> true).fromClient(),
                    StandardCharsets.ISO_8859_1);
            assertTrue(recorded.contains("alice\u0002**"), "the password is blanked out: " + recorded);
            assertTrue(chunks(rig, Direction.CLIENT_TO_SERVER).startsWith("EHLO client.test\r\nSTARTTLS\r\n"));
            assertEquals(List.of(), server.failures());
        }
    }

    private static String chunks(EngineRig rig, Direction direction) {
        StringBuilder b = new StringBuilder();
        for (EngineEvent.Chunk c : rig.all(EngineEvent.Chunk.class)) {
            if (c.direction() == direction) {
                b.append(new String(c.forwarded(), StandardCharsets.ISO_8859_1));
            }
        }
        return b.toString();
    }
}
