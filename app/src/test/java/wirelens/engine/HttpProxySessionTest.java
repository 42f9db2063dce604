package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Scripts of events and the commands the HTTP proxy must answer with; no sockets. */
class HttpProxySessionTest {

    private final HttpProxySession session = new HttpProxySession();
    private final ForwardSessionTest.Script out = new ForwardSessionTest.Script();

    private List<String> on(SessionEvent e) {
        session.handle(e, out);
        return out.take();
    }

    private List<String> client(String text) {
        return on(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1))));
    }

    private List<String> target(String text) {
        return on(new SessionEvent.Received(Side.TARGET, ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1))));
    }

    private List<String> connected() {
        return on(new SessionEvent.Connected(new InetSocketAddress("127.0.0.1", 80)));
    }

    @Test
    void absoluteFormGoesUpstreamAsOriginFormWithoutHopByHopHeaders() {
        assertEquals(List.of(), on(new SessionEvent.Accepted(new InetSocketAddress(5000))));
        assertEquals(List.of("connect example.com:8081",
                "send TARGET GET /a/b?c=d HTTP/1.1\r\nHost: example.com:8081\r\nAccept: */*\r\nX-Keep: 1\r\n\r\n"),
                client("GET http://user@example.com:8081/a/b?c=d#frag HTTP/1.1\r\nHost: wrong\r\n"
                        + "Proxy-Connection: keep-alive\r\nConnection: X-Drop\r\nX-Drop: 1\r\nAccept: */*\r\n"
                        + "Proxy-Authorization: Basic eDp5\r\nTE: trailers\r\nKeep-Alive: 5\r\nX-Keep: 1\r\n\r\n"));
        assertEquals(List.of(), connected());
        assertEquals(List.of("send CLIENT HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                "resume CLIENT"),
                target("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"));
    }

    @Test
    void anOriginThatStaysSilentGetsTheClientA504() {
        client("GET http://slow.test/ HTTP/1.1\r\nHost: slow.test\r\n\r\n");
        connected();
        List<String> answer = on(new SessionEvent.TargetSilent(60_000));
        assertEquals("closeTarget", answer.get(0));
        assertTrue(answer.get(1).startsWith("reply CLIENT HTTP/1.1 504 Gateway Timeout\r\n"), answer.get(1));
        assertTrue(answer.get(1).endsWith("wirelens: slow.test:80 did not answer within 60.0 s\n"), answer.get(1));
        assertEquals("finish", answer.get(answer.size() - 1));
    }

    @Test
    void aHeadNotCompleteInTimeGetsA408AndTheEndSaysWhy() {
        on(new SessionEvent.Accepted(new InetSocketAddress(5000)));
        assertTrue(out.awaitingHead, "the clock runs from the accept");
        client("GET http://a.test/ HTTP/1.1\r\nHost: a");
        assertTrue(out.awaitingHead, "half a head does not stop it");
        List<String> answer = on(new SessionEvent.RequestHeadLate(60_000));
        assertTrue(answer.get(0).startsWith("reply CLIENT HTTP/1.1 408 Request Timeout\r\n"), answer.get(0));
        assertTrue(answer.get(0).contains("\r\nConnection: close\r\n"), answer.get(0));
        assertTrue(answer.get(0).endsWith("\r\n\r\nwirelens: the request head did not arrive complete within 60s\n"),
                answer.get(0));
        assertEquals(List.of("finish: request head timeout 60s"), answer.subList(1, answer.size()));
    }

    @Test
    void onAKeptAliveConnectionTheHeadClockStartsWithTheNextHeadsFirstByte() {
        on(new SessionEvent.Accepted(new InetSocketAddress(5000)));
        client("GET http://a.test/1 HTTP/1.1\r\nHost: a.test\r\n\r\n");
        assertFalse(out.awaitingHead, "a complete head stops it");
        connected();
        target("HTTP/1.1 204 No Content\r\n\r\n");
        assertFalse(out.awaitingHead, "between requests only the idle timeout counts");
        client("G");
        assertTrue(out.awaitingHead);
        client("ET http://a.test/2 HTTP/1.1\r\nHost: a.test\r\n\r\n");
        assertFalse(out.awaitingHead);
        assertEquals(List.of(), on(new SessionEvent.RequestHeadLate(60_000)), "a late clock for a head that came is stale");
    }

    @Test
    void silenceAfterTheResponseStartedChangesNothing() {
        client("GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n");
        connected();
        target("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf");
        assertEquals(List.of(), on(new SessionEvent.TargetSilent(60_000)));
    }

    @Test
    void keepAliveReusesTheSameOriginAndSwitchesForAnother() {
        client("GET http://a.test/1 HTTP/1.1\r\nHost: a.test\r\n\r\n");
        connected();
        target("HTTP/1.1 204 No Content\r\n\r\n");
        assertEquals(List.of("send TARGET GET /2 HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                client("GET http://a.test/2 HTTP/1.1\r\nHost: a.test\r\n\r\n"));
        target("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n");
        assertEquals(List.of("closeTarget", "connect b.test:80", "send TARGET HEAD / HTTP/1.1\r\nHost: b.test\r\n\r\n"),
                client("HEAD http://b.test HTTP/1.1\r\nHost: b.test\r\n\r\n"));
    }

    @Test
    void pipelinedRequestsWaitForTheResponseBeforeThem() {
        List<String> first = client("GET http://a.test/1 HTTP/1.1\r\n\r\nGET http://a.test/2 HTTP/1.1\r\n\r\n");
        assertEquals(List.of("connect a.test:80", "send TARGET GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\n", "pause CLIENT"),
                first);
        connected();
        assertEquals(List.of("send CLIENT HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1",
                "resume CLIENT", "send TARGET GET /2 HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                target("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"));
    }

    @Test
    void bodiesStreamWithTheirFramingAndExpectContinueIsRelayed() {
        assertEquals(List.of("connect a.test:80", "send TARGET POST /up HTTP/1.1\r\nHost: a.test\r\n"
                + "Expect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n"),
                client("POST http://a.test/up HTTP/1.1\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(List.of("send CLIENT HTTP/1.1 100 Continue\r\n\r\n"), target("HTTP/1.1 100 Continue\r\n\r\n"));
        assertEquals(List.of("send TARGET 5\r\nhel"), client("5\r\nhel"));
        assertEquals(List.of("send TARGET lo\r\n0\r\n\r\n"), client("lo\r\n0\r\n\r\n"));
        assertEquals(List.of("send CLIENT HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n"), target("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n"));
        assertEquals(List.of("send CLIENT 0\r\n\r\n", "resume CLIENT"), target("0\r\n\r\n"));
    }

    @Test
    void contentLengthNextToTransferEncodingIsNotPassedOn() {
        assertEquals(List.of("connect a.test:80", "send TARGET POST / HTTP/1.1\r\nHost: a.test\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"),
                client("POST http://a.test/ HTTP/1.1\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "1\r\nx\r\n0\r\n\r\n"));
    }

    @Test
    void bodyUntilCloseEndsTheClientConnection() {
        client("GET http://a.test/ HTTP/1.1\r\n\r\n");
        assertEquals(List.of("send CLIENT HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nabc"),
                target("HTTP/1.0 200 OK\r\n\r\nabc"));
        assertEquals(List.of("finish"), on(new SessionEvent.Eof(Side.TARGET)));
    }

    @Test
    void connectAnswers200AndRelaysRawBytesBothWays() {
        assertEquals(List.of("connect secure.test:443", "pause CLIENT"), client("CONNECT secure.test:443 HTTP/1.1\r\nHost: secure.test:443\r\n\r\n\u0016\u0003"));
        assertEquals(List.of("reply CLIENT HTTP/1.1 200 Connection established\r\n\r\n", "resume CLIENT",
                "send TARGET \u0016\u0003"), connected());
        assertEquals(List.of("send TARGET GET / HTTP/1.1\r\n\r\n"), client("GET / HTTP/1.1\r\n\r\n"));
        assertEquals(List.of("send CLIENT anything"), target("anything"));
        assertEquals(List.of("shutdown TARGET"), on(new SessionEvent.Eof(Side.CLIENT)));
        assertEquals(List.of("shutdown CLIENT", "finish"), on(new SessionEvent.Eof(Side.TARGET)));
    }

    @Test
    void upgradeSwitchesToARawRelayAfter101() {
        assertEquals(List.of("connect ws.test:80", "send TARGET GET /chat HTTP/1.1\r\nHost: ws.test\r\n"
                + "Upgrade: websocket\r\nSec-WebSocket-Key: k\r\nConnection: Upgrade\r\n\r\n", "pause CLIENT"),
                client("GET http://ws.test/chat HTTP/1.1\r\nHost: ws.test\r\nConnection: keep-alive, Upgrade\r\n"
                        + "Upgrade: websocket\r\nSec-WebSocket-Key: k\r\n\r\n\u0081\u0001x"));
        assertEquals(List.of("send CLIENT HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
                "resume CLIENT", "send TARGET \u0081\u0001x", "send CLIENT \u0081\u0001y"),
                target("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n\u0081\u0001y"));
    }

    @Test
    void badInputIsAnsweredWithTheRightStatusAndAClose() {
        assertReply("GARBAGE\r\n\r\n", "400 Bad Request", "wirelens: bad request line: GARBAGE\n");
        assertReply("GET /local HTTP/1.1\r\nHost: x\r\n\r\n", "400 Bad Request",
                "wirelens: this is a proxy: requests need an absolute http:// URL, got /local\n");
        assertReply("GET https://x/ HTTP/1.1\r\n\r\n", "400 Bad Request", "wirelens: https:// URLs must go through CONNECT\n");
        assertReply("CONNECT nohost HTTP/1.1\r\n\r\n", "400 Bad Request", "wirelens: CONNECT needs host:port, got nohost\n");
        assertReply("GET http://x/ HTTP/1.1\r\nX: " + "y".repeat(70_000) + "\r\n\r\n", "431 Request Header Fields Too Large",
                "wirelens: message head larger than 65536 bytes\n");
    }

    private void assertReply(String request, String status, String body) {
        HttpProxySession s = new HttpProxySession();
        s.handle(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1))), out);
        List<String> commands = out.take();
        String last = commands.get(commands.size() - 1);
        String reply = commands.get(commands.size() - 2);
        assertEquals("finish", last, commands.toString());
        assertTrue(reply.startsWith("reply CLIENT HTTP/1.1 " + status + "\r\n"), reply);
        assertTrue(reply.endsWith("\r\n\r\n" + body), reply);
        assertTrue(reply.contains("Connection: close\r\n"), reply);
    }

    @Test
    void unreachableOriginsGet502And504AndEndAsFailures() {
        client("GET http://nowhere.invalid/ HTTP/1.1\r\n\r\n");
        List<String> refused = on(new SessionEvent.ConnectFailed("nowhere.invalid", 80, "unknown host nowhere.invalid", false));
        assertTrue(refused.get(0).startsWith("reply CLIENT HTTP/1.1 502 Bad Gateway"), refused.toString());
        assertTrue(refused.get(0).endsWith("wirelens: cannot connect to nowhere.invalid:80: unknown host nowhere.invalid\n"));
        assertEquals("finish failed: connect to nowhere.invalid:80 failed: unknown host nowhere.invalid",
                refused.get(refused.size() - 1));
        HttpProxySession s = new HttpProxySession();
        s.handle(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap("CONNECT slow.test:443 HTTP/1.1\r\n\r\n".getBytes())), out);
        s.handle(new SessionEvent.ConnectFailed("slow.test", 443, "timed out", true), out);
        List<String> late = out.take();
        assertTrue(late.stream().anyMatch(c -> c.startsWith("reply CLIENT HTTP/1.1 504 Gateway Timeout")), late.toString());
        assertEquals("finish failed: connect to slow.test:443 timed out", late.get(late.size() - 1));
    }

    @Test
    void aKeptAliveUpstreamThatClosesIsRetriedOnceForABodylessRequest() {
        client("GET http://a.test/1 HTTP/1.1\r\n\r\n");
        target("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        client("GET http://a.test/2 HTTP/1.1\r\n\r\n");
        assertEquals(List.of("closeTarget", "connect a.test:80", "send TARGET GET /2 HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                on(new SessionEvent.Eof(Side.TARGET)));
        List<String> second = on(new SessionEvent.Eof(Side.TARGET));
        assertTrue(second.get(second.size() - 2).contains("502 Bad Gateway"), second.toString());
    }

    @Test
    void anyFeedingOrderOfSplitInputGivesTheSameUpstreamBytes() {
        String request = "POST http://a.test/x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET http://a.test/y HTTP/1.1\r\n\r\n";
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            HttpProxySession s = new HttpProxySession();
            ForwardSessionTest.Script script = new ForwardSessionTest.Script();
            byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
            int at = 0;
            while (at < bytes.length) {
                int n = 1 + random.nextInt(Math.min(12, bytes.length - at));
                s.handle(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(bytes, at, n)), script);
                at += n;
            }
            s.handle(new SessionEvent.Received(Side.TARGET,
                    ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes())), script);
            StringBuilder upstream = new StringBuilder();
            for (String c : script.take()) {
                if (c.startsWith("send TARGET ")) {
                    upstream.append(c.substring(12));
                }
            }
            assertEquals("POST /x HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /y HTTP/1.1\r\nHost: a.test\r\n\r\n", upstream.toString());
        }
    }

    /** Random events with mutated HTTP from both sides: the session never throws and always ends cleanly. */
    @Test
    void randomEventsAndMutatedTrafficNeverThrow() {
        String[] clientSamples = {
            "GET http://a.test/x HTTP/1.1\r\nHost: a.test\r\n\r\n",
            "POST http://a.test/p HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            "CONNECT b.test:443 HTTP/1.1\r\n\r\n\u0016\u0003\u0001",
            "GET http://c.test/ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\u0081\u0001x",
            "HEAD http://a.test/ HTTP/1.0\r\n\r\nGET http://b.test:81/ HTTP/1.1\r\n\r\n"};
        String[] targetSamples = {
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0001y",
            "HTTP/1.0 200 OK\r\n\r\nuntil close",
            "HTTP/1.1 304 Not Modified\r\n\r\n"};
        Random random = new Random(99);
        for (int round = 0; round < 2000; round++) {
            HttpProxySession s = new HttpProxySession();
            ForwardSessionTest.Script script = new ForwardSessionTest.Script();
            s.handle(new SessionEvent.Accepted(new InetSocketAddress(5000)), script);
            for (int step = 0; step < 12; step++) {
                SessionEvent event = switch (random.nextInt(9)) {
                    case 0, 1, 2 -> new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(
                            mutate(random, clientSamples[random.nextInt(clientSamples.length)])));
                    case 3, 4, 5 -> new SessionEvent.Received(Side.TARGET, ByteBuffer.wrap(
                            mutate(random, targetSamples[random.nextInt(targetSamples.length)])));
                    case 6 -> new SessionEvent.Connected(new InetSocketAddress(80));
                    case 7 -> new SessionEvent.Eof(random.nextBoolean() ? Side.CLIENT : Side.TARGET);
                    default -> random.nextBoolean()
                            ? new SessionEvent.ConnectFailed("a.test", 80, "connection refused", random.nextBoolean())
                            : new SessionEvent.Broken(random.nextBoolean() ? Side.CLIENT : Side.TARGET, "reset");
                };
                s.handle(event, script);
            }
            s.handle(new SessionEvent.Eof(Side.CLIENT), script);
            s.handle(new SessionEvent.Eof(Side.TARGET), script);
            List<String> commands = script.take();
            long endings = commands.stream().filter(c -> c.startsWith("finish") || c.startsWith("fail ")
                    || c.startsWith("reset ")).count();
            assertTrue(endings >= 1, "the connection always ends: " + commands);
        }
    }

    private static byte[] mutate(Random random, String sample) {
        byte[] b = sample.getBytes(StandardCharsets.ISO_8859_1);
        if (random.nextInt(3) == 0 && b.length > 0) {
            b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        if (random.nextInt(4) == 0) {
            b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
        }
        return b;
    }
}
