package wirelens.tls;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two layers back to back in memory, no sockets: what one writes to the network the other receives. Both
 * engines come from one of the libraries Wirelens runs with (JSSE, BoringSSL), each test once per library.
 */
class TlsLayerTest {
    @TempDir
    static Path dir;
    static CertificateAuthority ca;
    static LeafCertificates.Leaf leaf;

    @BeforeAll
    static void certificates() throws Exception {
        ca = CertificateAuthority.loadOrCreate(dir);
        leaf = new LeafCertificates(ca).leafFor(LeafCertificates.Names.of("db.example.test", List.of(), List.of()));
    }

    /** A client and a server layer, and what each has received as plaintext. */
    static final class Pair {
        final TlsLayer client;
        final TlsLayer server;
        final ByteArrayOutputStream atClient = new ByteArrayOutputStream();
        final ByteArrayOutputStream atServer = new ByteArrayOutputStream();
        /** Network bytes are handed over this many at a time (0: all at once). */
        int slice;

        Pair(String protocol, String library) throws Exception {
            this(protocol, library, false);
        }

        /** {@code clientBeginsAsTask}: the client's first step is a task ({@link TlsLayer#beginAsTask}). */
        Pair(String protocol, String library, boolean clientBeginsAsTask) throws Exception {
            SSLEngine c = TlsTesting.client(library, ca.certificate(), "db.example.test", List.of());
            SSLEngine s = TlsTesting.server(library, leaf);
            if (protocol != null) {
                c.setEnabledProtocols(new String[] {protocol});
            }
            client = new TlsLayer(c);
            server = new TlsLayer(s);
            server.begin();
            if (clientBeginsAsTask) {
                client.beginAsTask();
            } else {
                client.begin();
            }
        }

        /** Moves bytes both ways and runs tasks until neither side has anything to do. Bounded. */
        void pump() {
            for (int round = 0; round < 100_000; round++) {
                boolean moved = move(client, server) | move(server, client);
                moved |= tasks(client) | tasks(server);
                take(client, atClient);
                take(server, atServer);
                if (!moved) {
                    return;
                }
            }
            throw new AssertionError("the layers kept talking for 100,000 rounds");
        }

        private boolean move(TlsLayer from, TlsLayer to) {
            if (!from.hasNetwork()) {
                return false;
            }
            ByteBuffer net = from.network();
            if (slice <= 0) {
                to.receive(net);
            } else {
                while (net.hasRemaining()) {
                    ByteBuffer piece = net.slice();
                    piece.limit(Math.min(slice, piece.remaining()));
                    net.position(net.position() + piece.limit());
                    to.receive(piece);
                    tasks(to);
                }
            }
            return true;
        }

        private static boolean tasks(TlsLayer l) {
            if (!l.needsTasks()) {
                return false;
            }
            for (Runnable t : l.takeTasks()) {
                t.run();
            }
            l.resume();
            return true;
        }

        private static void take(TlsLayer l, ByteArrayOutputStream to) {
            if (l.hasPlaintext()) {
                ByteBuffer b = l.plaintext();
                to.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            }
        }
    }

    static List<Arguments> versionsAndLibraries() {
        return TlsTesting.LIBRARIES.stream().flatMap(l -> List.of(Arguments.of("TLSv1.3", l), Arguments.of("TLSv1.2", l))
                .stream()).toList();
    }

    @ParameterizedTest
    @MethodSource("versionsAndLibraries")
    void handshakesAndCarriesBytesBothWaysExactly(String protocol, String library) throws Exception {
        Pair p = new Pair(protocol, library);
        p.pump();
        assertTrue(p.client.handshakeDone() && p.server.handshakeDone());
        assertEquals(protocol, p.client.engine().getSession().getProtocol());
        byte[] up = new byte[3 * 1024 * 1024 + 17];
        byte[] down = new byte[1024 * 1024 + 5];
        new Random(1).nextBytes(up);
        new Random(2).nextBytes(down);
        p.client.send(ByteBuffer.wrap(up));
        p.server.send(ByteBuffer.wrap(down));
        p.pump();
        assertArrayEquals(up, p.atServer.toByteArray());
        assertArrayEquals(down, p.atClient.toByteArray());
        // TLS 1.3 session tickets arrive after the handshake: no plaintext, and not the end of it
        assertFalse(p.client.peerClosed() || p.server.peerClosed());
        assertNull(p.client.failure());
        assertTrue(p.client.handshakeNanos() >= 0);
    }

    @ParameterizedTest
    @MethodSource("versionsAndLibraries")
    void theHandshakesBytesAreCountedEachWayAndDataIsNot(String protocol, String library) throws Exception {
        Pair p = new Pair(protocol, library);
        p.pump();
        long clientSent = p.client.handshakeBytesSent();
        long serverSent = p.server.handshakeBytesSent();
        assertEquals(clientSent, p.server.handshakeBytesReceived(), "what the client sent is what the server read");
        // a TLS 1.3 server sends its session tickets before it calls its handshake done, the client reads them after
        assertTrue(serverSent >= p.client.handshakeBytesReceived() && p.client.handshakeBytesReceived() > 500,
                serverSent + " sent, " + p.client.handshakeBytesReceived() + " read");
        assertTrue(clientSent > 100, "a ClientHello and a Finished at least: " + clientSent);
        assertTrue(serverSent > 500 && serverSent > clientSent, "the server's flight carries its certificate: " + serverSent);
        p.client.send(ByteBuffer.wrap(new byte[64 * 1024]));
        p.pump();
        assertEquals(clientSent, p.client.handshakeBytesSent(), "data is not handshake");
        assertEquals(clientSent, p.server.handshakeBytesReceived());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "boringssl"})
    void aClientWhoseFirstStepIsATaskSaysNothingUntilItRan(String library) throws Exception {
        Pair p = new Pair(null, library, true);
        assertFalse(p.client.hasNetwork());
        assertTrue(p.client.needsTasks());
        p.client.send(ByteBuffer.wrap("early".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(p.client.hasNetwork());
        p.pump();
        assertTrue(p.client.handshakeDone() && p.server.handshakeDone());
        assertEquals("early", p.atServer.toString(StandardCharsets.US_ASCII));
        assertNull(p.client.failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "boringssl"})
    void plaintextSentDuringTheHandshakeFollowsIt(String library) throws Exception {
        Pair p = new Pair(null, library);
        p.client.send(ByteBuffer.wrap("EHLO early\r\n".getBytes(StandardCharsets.US_ASCII)));
        p.pump();
        assertEquals("EHLO early\r\n", p.atServer.toString(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "boringssl"})
    void recordsArrivingOneByteAtATimeAreReassembled(String library) throws Exception {
        Pair p = new Pair(null, library);
        p.slice = 1;
        p.pump();
        p.client.send(ByteBuffer.wrap("one byte at a time".getBytes(StandardCharsets.US_ASCII)));
        p.pump();
        assertEquals("one byte at a time", p.atServer.toString(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @MethodSource("versionsAndLibraries")
    void closeNotifyIsAHalfCloseOfOneDirection(String protocol, String library) throws Exception {
        Pair p = new Pair(protocol, library);
        p.pump();
        p.client.send(ByteBuffer.wrap("QUIT\r\n".getBytes(StandardCharsets.US_ASCII)));
        p.client.closeOutput();
        p.pump();
        assertEquals("QUIT\r\n", p.atServer.toString(StandardCharsets.US_ASCII));
        assertTrue(p.server.peerClosed(), "the server read the client's close_notify");
        if (protocol.equals("TLSv1.3") || library.equals("boringssl")) {
            // the other direction stays open, as after a TCP half-close: TLS 1.3 allows it, and BoringSSL
            // keeps writing after a TLS 1.2 close_notify too
            assertFalse(p.client.peerClosed());
            p.server.send(ByteBuffer.wrap("221 bye\r\n".getBytes(StandardCharsets.US_ASCII)));
            p.pump();
            assertEquals("221 bye\r\n", p.atClient.toString(StandardCharsets.US_ASCII));
            // records that arrive in pieces after our close_notify wait for their rest, as before it
            byte[] more = new byte[40_000];
            new java.util.Random(17).nextBytes(more);
            p.slice = 1000;
            p.server.send(ByteBuffer.wrap(more));
            p.pump();
            byte[] got = p.atClient.toByteArray();
            assertArrayEquals(more, java.util.Arrays.copyOfRange(got, 9, got.length));
            assertFalse(p.client.peerClosed());
        } else {
            // JSSE's TLS 1.2 has no half-close: a close_notify is answered with one (RFC 5246, 7.2.1)
            assertTrue(p.client.peerClosed());
        }
        p.server.closeOutput();
        p.pump();
        assertTrue(p.client.peerClosed());
        assertNull(p.client.failure());
        assertNull(p.server.failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "boringssl"})
    void aRecordAfterTheClosingOneEndsNothingElse(String library) throws Exception {
        Pair p = new Pair("TLSv1.3", library);
        p.pump();
        p.client.send(ByteBuffer.wrap("last words".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer record = p.client.network();
        p.client.closeOutput();
        ByteBuffer close = p.client.network();
        ByteBuffer both = ByteBuffer.allocate(record.remaining() + close.remaining() + record.remaining());
        both.put(record.duplicate()).put(close).put(record).flip();
        p.server.receive(both); // the closing record, then one that must not be read
        assertEquals("last words", new String(p.server.plaintext().array(), StandardCharsets.US_ASCII).trim());
        assertTrue(p.server.peerClosed());
        assertNull(p.server.failure());
        p.server.send(ByteBuffer.wrap("still heard".getBytes(StandardCharsets.US_ASCII)));
        p.pump();
        assertEquals("still heard", p.atClient.toString(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "boringssl"})
    void fullRecordsAndTheCloseInOneReadAfterOursAllArrive(String library) throws Exception {
        Pair p = new Pair("TLSv1.3", library);
        p.pump();
        p.client.closeOutput();
        p.pump();
        byte[] answer = new byte[64 * 1024];
        new java.util.Random(5).nextBytes(answer);
        p.server.send(ByteBuffer.wrap(answer));
        p.server.closeOutput();
        // all of it in one read of the client's, on a thread whose buffers are new (as a selector's at first)
        Thread fresh = new Thread(p::pump);
        fresh.start();
        fresh.join(30_000);
        assertArrayEquals(answer, p.atClient.toByteArray());
        assertTrue(p.client.peerClosed());
        assertNull(p.client.failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "boringssl"})
    void garbageFromThePeerFailsWithAReasonAndAnAlert(String library) throws Exception {
        Pair p = new Pair(null, library);
        p.pump();
        byte[] garbage = new byte[200];
        new Random(3).nextBytes(garbage);
        garbage[0] = 23;
        garbage[1] = 3;
        garbage[2] = 3;
        garbage[3] = 0;
        garbage[4] = (byte) 195;
        p.server.receive(ByteBuffer.wrap(garbage));
        assertNotNull(p.server.failure());
        assertTrue(p.server.hasNetwork(), "an alert for the peer");
        p.pump();
        assertNotNull(p.client.failure(), "the client read the alert");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "boringssl"})
    void aClientThatDoesNotTrustTheCaSaysSoInItsAlert(String library) throws Exception {
        CertificateAuthority other = CertificateAuthority.loadOrCreate(dir.resolve("other"));
        // the client is the JDK's (as curl is OpenSSL's), Wirelens' side the library's
        TlsLayer client = new TlsLayer(TlsTesting.client(other.certificate(), "db.example.test", List.of()));
        TlsLayer server = new TlsLayer(TlsTesting.server(library, leaf));
        server.begin();
        client.begin();
        for (int i = 0; i < 50 && server.failure() == null; i++) {
            for (TlsLayer l : new TlsLayer[] {client, server}) {
                if (l.needsTasks()) {
                    l.takeTasks().forEach(Runnable::run);
                    l.resume();
                }
            }
            if (client.hasNetwork()) {
                server.receive(client.network());
            }
            if (server.hasNetwork()) {
                client.receive(server.network());
            }
        }
        assertNotNull(client.failure());
        assertNotNull(server.failure());
        assertTrue(server.failure().startsWith("Received fatal alert: ") && (server.failure().contains("certificate_unknown")
                || server.failure().contains("bad_certificate") || server.failure().contains("unknown_ca")), server.failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "boringssl"})
    void aServerThatSpeaksFirstIsHeardWithoutAByteFromTheClient(String library) throws Exception {
        Pair p = new Pair(null, library);
        // an SMTPS or IMAPS server greets as soon as its handshake is done: the client has nothing to say yet
        p.server.send(ByteBuffer.wrap("220 mail.example.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII)));
        p.pump();
        assertTrue(p.server.handshakeDone() && p.client.handshakeDone());
        assertEquals("220 mail.example.test ESMTP\r\n", p.atClient.toString(StandardCharsets.US_ASCII));
        assertEquals("", p.atServer.toString(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "boringssl"})
    void aClosedLayerReleasesItsEngineAndTakesNothingMore(String library) throws Exception {
        Pair p = new Pair(null, library);
        p.pump();
        p.server.close();
        p.server.close();
        p.server.receive(ByteBuffer.wrap(new byte[] {23, 3, 3, 0, 1, 0}));
        p.server.send(ByteBuffer.wrap(new byte[] {1}));
        assertFalse(p.server.hasNetwork() || p.server.hasPlaintext());
        if (p.server.engine() instanceof io.netty.util.ReferenceCounted counted) {
            assertEquals(0, counted.refCnt(), "the native engine is freed");
        }
    }

    @Test
    void renegotiationIsRefusedCleanly() throws Exception {
        Pair p = new Pair("TLSv1.2", "jdk");
        p.pump();
        p.client.engine().beginHandshake();
        p.client.resume();
        p.pump();
        assertTrue(p.server.failure() != null && p.server.failure().contains("renegotiate"), p.server.failure());
        assertNotNull(p.client.failure(), "the client was told by an alert");
    }
}
