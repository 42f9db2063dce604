package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Scripts of events and the commands the SOCKS5 session must answer with, and its parser fuzzed; no sockets. */
class Socks5SessionTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] GREETING_NO_AUTH = bytes("050100");
    private static final byte[] CONNECT_EXAMPLE_443 = concat(bytes("0501000307"),
            "a.b.com".getBytes(StandardCharsets.US_ASCII), bytes("01bb"));

    /** The forward scripts' recorder with sent bytes in hex, replies as where they went, and the negotiation. */
    static final class Script extends ForwardSessionTest.Script {
        boolean negotiating;
        byte[] recordedFromClient;

        @Override
        public void connect(String host, int port) {
            commands.add("connect " + Hosts.format(host, port));
        }

        @Override
        public void send(Side to, ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            commands.add("send " + to + " " + HEX.formatHex(b));
        }

        @Override
        public void reply(Side to, ByteBuffer data) {
            commands.add("reply " + to);
        }

        @Override
        public void expectTls(String host, int port) {
            commands.add("expectTls " + Hosts.format(host, port));
        }

        @Override
        public void negotiating() {
            negotiating = true;
        }

        @Override
        public void negotiated(String summary, String host, int port, byte[] fromClient, byte[] toClient,
                byte[] rest) {
            negotiating = false;
            recordedFromClient = fromClient;
            commands.add("negotiated " + summary + " | to " + HEX.formatHex(toClient)
                    + (rest == null ? "" : " | rest " + new String(rest, StandardCharsets.ISO_8859_1)));
        }
    }

    private Socks5Session session = new Socks5Session(null);
    private final Script out = new Script();

    private List<String> on(SessionEvent e) {
        session.handle(e, out);
        return out.take();
    }

    private List<String> client(byte[] data) {
        return on(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(data)));
    }

    private List<String> accept() {
        return on(new SessionEvent.Accepted(new InetSocketAddress("127.0.0.1", 50000)));
    }

    private List<String> connected() {
        return on(new SessionEvent.Connected(new InetSocketAddress("127.0.0.1", 443),
                new InetSocketAddress("127.0.0.1", 40000)));
    }

    @Test
    void aConnectByNameIsRepliedToOnceTheTargetIsConnectedThenRelays() {
        assertEquals(List.of(), accept());
        assertTrue(out.negotiating, "the handshake is no stream data");
        assertTrue(out.awaitingHead, "the handshake has a deadline");
        assertEquals(List.of("send CLIENT 0500"), client(GREETING_NO_AUTH));
        assertEquals(List.of("connect a.b.com:443"), client(CONNECT_EXAMPLE_443));
        assertFalse(out.awaitingHead);
        assertEquals(List.of("send CLIENT 050000017f0000019c40", "expectTls a.b.com:443",
                "negotiated SOCKS5 CONNECT a.b.com:443 \u2192 succeeded | to 0500050000017f0000019c40"), connected());
        assertFalse(out.negotiating);
        assertEquals(HEX.formatHex(concat(GREETING_NO_AUTH, CONNECT_EXAMPLE_443)), HEX.formatHex(out.recordedFromClient));
        assertEquals(List.of("send TARGET 6869"), client(bytes("6869")));
        assertEquals(List.of("send CLIENT 6f6b"), on(new SessionEvent.Received(Side.TARGET, ByteBuffer.wrap(bytes("6f6b")))));
        assertEquals(List.of("shutdown TARGET"), on(new SessionEvent.Eof(Side.CLIENT)));
        assertEquals(List.of("finish"), on(new SessionEvent.Eof(Side.TARGET)));
    }

    @Test
    void ipv4AndIpv6TargetsConnectToTheirLiterals() {
        accept();
        client(GREETING_NO_AUTH);
        assertEquals(List.of("connect 10.1.2.3:25"), client(bytes("050100010a0102030019")));
        session = new Socks5Session(null);
        accept();
        client(GREETING_NO_AUTH);
        assertEquals(List.of("connect [::1]:8080"), client(bytes("0501000400000000000000000000000000000001" + "1f90")));
        assertEquals("send CLIENT 050000017f0000019c40", connected().get(0));
    }

    @Test
    void greetingRequestAndDataInOneReadHandTheDataBackAsStreamData() {
        accept();
        assertEquals(List.of("send CLIENT 0500", "connect a.b.com:443"),
                client(concat(GREETING_NO_AUTH, CONNECT_EXAMPLE_443, "GET /".getBytes(StandardCharsets.US_ASCII))));
        List<String> answer = connected();
        assertEquals(2, answer.size(), answer.toString());
        assertTrue(answer.get(1).endsWith(" | rest GET /"), answer.get(1));
        assertFalse(answer.contains("expectTls a.b.com:443"), "bytes read already cannot be sniffed");
    }

    @Test
    void bytesThatComeWhileTheTargetIsConnectedAreKeptForIt() {
        accept();
        client(GREETING_NO_AUTH);
        client(CONNECT_EXAMPLE_443);
        assertEquals(List.of(), client("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(List.of(), client("def".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(connected().get(1).endsWith(" | rest abcdef"));
    }

    @Test
    void aLoginIsCheckedAndItsPasswordNotRecorded() {
        session = new Socks5Session(new SocksCredentials("alice", "s3cret"));
        accept();
        assertEquals(List.of("send CLIENT 0502"), client(bytes("05020002")));
        assertEquals(List.of("send CLIENT 0100"), client(login("alice", "s3cret")));
        assertEquals(List.of("connect a.b.com:443"), client(CONNECT_EXAMPLE_443));
        connected();
        String recorded = new String(out.recordedFromClient, StandardCharsets.ISO_8859_1);
        assertTrue(recorded.contains("alice\u0006******"), recorded);
        assertFalse(recorded.contains("s3cret"));
    }

    @Test
    void aWrongPasswordGetsAFailureStatusAndTheClose() {
        session = new Socks5Session(new SocksCredentials("alice", "s3cret"));
        accept();
        client(bytes("050102"));
        List<String> answer = client(login("alice", "guess"));
        assertEquals("send CLIENT 0101", answer.get(0));
        assertTrue(answer.get(1).startsWith("negotiated SOCKS5 login as alice \u2192 refused: wrong user name or password"),
                answer.get(1));
        assertEquals("finish: SOCKS5 login as alice \u2192 refused: wrong user name or password", answer.get(2));
        assertEquals(List.of(), client(CONNECT_EXAMPLE_443), "nothing after the end");
    }

    @Test
    void aClientThatOffersNoAcceptableMethodGetsFF() {
        session = new Socks5Session(new SocksCredentials("alice", "s3cret"));
        accept();
        List<String> answer = client(GREETING_NO_AUTH);
        assertEquals("send CLIENT 05ff", answer.get(0));
        assertTrue(answer.get(2).startsWith("finish: SOCKS5 greeting \u2192 no acceptable method"), answer.get(2));
        session = new Socks5Session(null);
        accept();
        assertEquals("send CLIENT 05ff", client(bytes("050102")).get(0));
    }

    @Test
    void bindAndUdpAssociateAreNotSupported() {
        for (String command : new String[] {"02", "03"}) {
            session = new Socks5Session(null);
            accept();
            client(GREETING_NO_AUTH);
            List<String> answer = client(bytes("05" + command + "00017f0000010050"));
            assertEquals("send CLIENT 050700010000000000", answer.get(0).substring(0, 30));
            assertTrue(answer.get(2).endsWith("command not supported (Wirelens relays CONNECT only) (07)"), answer.get(2));
        }
    }

    @Test
    void anUnknownAddressTypeGets08() {
        accept();
        client(GREETING_NO_AUTH);
        List<String> answer = client(bytes("05010005aabbccdd0050"));
        assertEquals("send CLIENT 05080001000000000000", answer.get(0));
        assertEquals("finish: SOCKS5 CONNECT \u2192 address type not supported (type 5) (08)", answer.get(2));
    }

    @Test
    void failedConnectsGetTheirReplyCodes() {
        String[][] cases = {
            {"unknown host a.b.com", "false", "04"},
            {"connection refused", "false", "05"},
            {"network is unreachable", "false", "03"},
            {"no route to host", "false", "04"},
            {"timed out", "true", "06"},
            {"permission denied", "false", "01"}};
        for (String[] c : cases) {
            session = new Socks5Session(null);
            accept();
            client(GREETING_NO_AUTH);
            client(CONNECT_EXAMPLE_443);
            List<String> answer = on(new SessionEvent.ConnectFailed("a.b.com", 443, c[0], Boolean.parseBoolean(c[1])));
            assertEquals("send CLIENT 05" + c[2] + "0001000000000000", answer.get(0), c[0]);
            assertTrue(answer.get(2).startsWith("finish: SOCKS5 CONNECT a.b.com:443 \u2192 "), answer.get(2));
            assertTrue(answer.get(2).endsWith(c[0] + " (" + c[2] + ")"), answer.get(2));
        }
    }

    @Test
    void aClientThatDoesNotSpeakSocks5IsClosedWithoutAReplyAndWithAReason() {
        accept();
        List<String> answer = client("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(2, answer.size(), answer.toString());
        assertEquals("finish: not SOCKS5: the client's first byte is 0x47, likely HTTP (use an HTTP proxy listener"
                + " for that)", answer.get(1));
        session = new Socks5Session(null);
        accept();
        assertTrue(client(bytes("04010050")).get(1).contains("SOCKS4"));
    }

    @Test
    void aTruncatedGreetingThenEofIsAQuietClose() {
        accept();
        assertEquals(List.of(), client(bytes("0502")));
        List<String> answer = on(new SessionEvent.Eof(Side.CLIENT));
        assertEquals("finish: SOCKS5 greeting \u2192 the client closed before it was complete", answer.get(1));
        session = new Socks5Session(null);
        accept();
        assertEquals("finish: the client closed without a SOCKS5 greeting", on(new SessionEvent.Eof(Side.CLIENT)).get(1));
    }

    @Test
    void aHandshakeThatTakesTooLongIsClosed() {
        accept();
        client(GREETING_NO_AUTH);
        List<String> answer = on(new SessionEvent.RequestHeadLate(60_000));
        assertEquals("finish: SOCKS5 request \u2192 not complete within 60s", answer.get(1));
    }

    /** The whole handshake split at random points, down to a byte at a time, answers as when it comes whole. */
    @Test
    void handshakesSplitAnywhereAnswerTheSame() {
        byte[] whole = concat(bytes("05020002"), login("bob", "pw:x"), bytes("0501000400000000000000000000000000000001"
                + "0016"), bytes("6869"));
        List<String> expected = run(new Random(0), whole, whole.length);
        assertEquals("connect [::1]:22", expected.get(expected.size() - 1));
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            assertEquals(expected, run(random, whole, round < 50 ? 1 : 1 + random.nextInt(whole.length)), "round " + round);
        }
    }

    private List<String> run(Random random, byte[] whole, int maxPiece) {
        Socks5Session s = new Socks5Session(new SocksCredentials("bob", "pw:x"));
        Script script = new Script();
        s.handle(new SessionEvent.Accepted(new InetSocketAddress(5000)), script);
        int at = 0;
        while (at < whole.length) {
            int n = Math.min(whole.length - at, 1 + random.nextInt(maxPiece));
            s.handle(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(whole, at, n)), script);
            at += n;
        }
        return script.take();
    }

    /** Mutated and cut handshakes never throw, and every one either ends or connects. */
    @Test
    void garbageNeverThrowsAndAlwaysEndsOrConnects() {
        byte[][] samples = {
            concat(GREETING_NO_AUTH, CONNECT_EXAMPLE_443),
            concat(bytes("05020002"), login("bob", "pw"), bytes("050100010a0000010050")),
            concat(GREETING_NO_AUTH, bytes("0503000400000000000000000000000000000001" + "0016")),
            bytes("05ff" + "00".repeat(255))};
        Random random = new Random(42);
        for (int round = 0; round < 5000; round++) {
            byte[] b = samples[random.nextInt(samples.length)].clone();
            for (int flips = random.nextInt(4); flips > 0; flips--) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(3) == 0) {
                b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
            }
            Socks5Session s = new Socks5Session(random.nextBoolean() ? new SocksCredentials("bob", "pw") : null);
            Script script = new Script();
            s.handle(new SessionEvent.Accepted(new InetSocketAddress(5000)), script);
            int at = 0;
            while (at < b.length) {
                int n = Math.min(b.length - at, 1 + random.nextInt(8));
                s.handle(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(b, at, n)), script);
                at += n;
            }
            s.handle(new SessionEvent.Eof(Side.CLIENT), script);
            List<String> commands = script.take();
            boolean ended = commands.stream().anyMatch(c -> c.startsWith("finish"));
            boolean connects = commands.stream().anyMatch(c -> c.startsWith("connect "));
            assertTrue(ended ^ connects, "ends or connects, not both: " + commands);
            assertTrue(ended == commands.stream().anyMatch(c -> c.startsWith("negotiated ")), "an end is reported: " + commands);
        }
    }

    private static byte[] login(String user, String password) {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[] {1, (byte) u.length}, u, new byte[] {(byte) p.length}, p);
    }

    private static byte[] bytes(String hex) {
        return HEX.parseHex(hex);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }
}
