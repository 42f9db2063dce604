package wirelens.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientHelloTest {
    @TempDir
    static Path dir;
    static byte[] hello;

    @BeforeAll
    static void realClientHello() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir);
        ByteBuffer flight = TlsTesting.firstFlight(TlsTesting.client(ca.certificate(), "api.example.test",
                List.of("h2", "http/1.1")));
        hello = new byte[flight.remaining()];
        flight.get(hello);
    }

    @Test
    void readsTheServerNameAndAlpnOffersOfARealClient() {
        ClientHello h = hello(ClientHello.read(ByteBuffer.wrap(hello)));
        assertEquals("api.example.test", h.serverName());
        assertEquals(List.of("h2", "http/1.1"), h.alpn());
        assertTrue(h.offersTls13());
    }

    @Test
    void everyPrefixAsksForMoreAndNeverMisreads() {
        for (int n = 0; n < hello.length; n++) {
            ClientHello.Outcome o = ClientHello.read(ByteBuffer.wrap(hello, 0, n));
            assertInstanceOf(ClientHello.Outcome.NeedMore.class, o, "prefix of " + n + " bytes: " + o);
        }
        // bytes after the hello (the client's next flight, pipelined) change nothing
        byte[] more = java.util.Arrays.copyOf(hello, hello.length + 100);
        assertEquals("api.example.test", hello(ClientHello.read(ByteBuffer.wrap(more))).serverName());
    }

    @Test
    void aHelloSplitOverSeveralRecordsIsReadWhole() {
        byte[] body = java.util.Arrays.copyOfRange(hello, 5, hello.length);
        ByteBuffer records = ByteBuffer.allocate(body.length + 5 * 40);
        for (int at = 0; at < body.length; at += 37) {
            int n = Math.min(37, body.length - at);
            records.put((byte) 22).put((byte) 3).put((byte) 1).putShort((short) n).put(body, at, n);
        }
        records.flip();
        byte[] all = new byte[records.remaining()];
        records.get(all);
        assertEquals("api.example.test", hello(ClientHello.read(ByteBuffer.wrap(all))).serverName());
        for (int n = 0; n < all.length; n++) {
            assertInstanceOf(ClientHello.Outcome.NeedMore.class, ClientHello.read(ByteBuffer.wrap(all, 0, n)));
        }
    }

    @Test
    void plainProtocolsAreNotTls() {
        for (String s : List.of("EHLO a.test\r\n", "GET / HTTP/1.1\r\n", "a1 LOGIN", "\u0016")) {
            ClientHello.Outcome o = ClientHello.read(ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1)));
            if (s.length() == 1) {
                assertInstanceOf(ClientHello.Outcome.NeedMore.class, o);
            } else {
                assertInstanceOf(ClientHello.Outcome.NotTls.class, o, s);
            }
        }
        assertInstanceOf(ClientHello.Outcome.NotTls.class, ClientHello.read(ByteBuffer.wrap(new byte[] {22, 9, 1})));
    }

    @Test
    void garbageAfterAHandshakeHeaderIsMalformedOrNeedsMoreNeverAnException() {
        Random random = new Random(17);
        int malformed = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                // a real hello with a few bytes flipped
                b = hello.clone();
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    b[5 + random.nextInt(b.length - 5)] = (byte) random.nextInt(256);
                }
            } else {
                b = new byte[random.nextInt(300)];
                random.nextBytes(b);
                if (b.length > 1) {
                    b[0] = 22;
                    b[1] = 3;
                }
            }
            ClientHello.Outcome o = ClientHello.read(ByteBuffer.wrap(b));
            assertTrue(o != null);
            if (o instanceof ClientHello.Outcome.Malformed m) {
                malformed++;
                assertTrue(!m.reason().isBlank());
            }
        }
        assertTrue(malformed > 1000, malformed + " malformed of 20000");
    }

    @Test
    void aHandshakeThatIsNotAClientHelloIsMalformed() {
        byte[] b = hello.clone();
        b[5] = 2; // ServerHello
        ClientHello.Outcome o = ClientHello.read(ByteBuffer.wrap(b));
        assertTrue(o instanceof ClientHello.Outcome.Malformed m && m.reason().contains("not a ClientHello"), o.toString());
    }

    private static ClientHello hello(ClientHello.Outcome o) {
        return assertInstanceOf(ClientHello.Outcome.Hello.class, o, o.toString()).hello();
    }
}
