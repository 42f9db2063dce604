package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scripts of a forward listener's connection while breakpoints are on ({@link HttpProxySession#forward}):
 * a client that opens with an HTTP/1.x request has its messages held, edited, answered and dropped as on
 * the HTTP proxy, its heads going on as they came to the listener's one target; anything else is relayed
 * as it is. No sockets.
 */
class ForwardHttpSessionTest {

    private final ScriptedSession s = new ScriptedSession(HttpProxySession.forward("app.test", 8080));

    @BeforeEach
    void connected() {
        assertEquals(List.of("connect app.test:8080"), s.on(new SessionEvent.Accepted(new InetSocketAddress(5000))));
        s.on(new SessionEvent.Connected(new InetSocketAddress("127.0.0.1", 8080)));
        assertTrue(!s.out.awaitingHead, "no request head timeout before the client has said anything");
    }

    /** A forward listener is transparent: a slow client or a long poll gets no 408 or 504 from Wirelens. */
    @Test
    void noRequestHeadOrResponseClockOnAForwardConnection() {
        s.client("GET /poll HTTP/1.1\r\nHost: app.test");
        assertTrue(!s.out.awaitingHead, "a head that comes slowly is not timed");
        assertTrue(s.client(":8080\r\n\r\n").contains("send TARGET GET /poll HTTP/1.1\r\nHost: app.test:8080\r\n\r\n"));
        assertTrue(!s.out.awaitedTarget, "a response that takes its time is not timed");
        assertTrue(s.target("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .contains("send CLIENT HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    }

    @Test
    void requestsGoOnAsTheyCameHostAndAllWithTheTargetsHttpUrl() {
        s.out.breakpoints = c -> {
            assertEquals("http://app.test:8080/a", c.url());
            assertEquals(new TunnelOrigin("http", "app.test", 8080), c.tunnel());
            return false;
        };
        assertEquals(List.of("send TARGET GET /a HTTP/1.1\r\nHost: localhost:9000\r\nProxy-Connection: keep-alive\r\n\r\n"),
                s.client("GET /a HTTP/1.1\r\nHost: localhost:9000\r\nProxy-Connection: keep-alive\r\n\r\n"),
                "no proxy rewriting: the listener is transparent");
        assertEquals(List.of("send CLIENT HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "resume CLIENT"),
                s.target("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    }

    @Test
    void aHeldRequestGoesOnEditedToTheTargetAndAnEditNamingAnotherHostIsRefused() {
        s.out.breakpoints = c -> !c.isResponse();
        assertEquals(List.of("hold POST /api HTTP/1.1 {}"),
                s.client("POST /api HTTP/1.1\r\nHost: app.test:8080\r\nContent-Length: 2\r\n\r\n{}"));
        TunnelOrigin origin = s.out.heldMessages.get(0).context().tunnel();
        assertNull(origin.refusal("/x"));
        assertNull(origin.refusal("http://APP.test:8080/x"));
        assertTrue(origin.refusal("http://app.test/x").contains("goes to app.test:8080 only"), "port 80 is another origin");
        assertTrue(origin.refusal("https://app.test:8080/x") != null, "another scheme is another origin");
        List<String> sent = s.resume(new MessageHook.Verdict.Continue(ScriptedSession.bytes(
                "POST /api HTTP/1.1\r\nHost: app.test:8080\r\nX-Edited: yes\r\nContent-Length: 3\r\n\r\n{1}")));
        assertEquals("send TARGET POST /api HTTP/1.1\r\nHost: app.test:8080\r\nX-Edited: yes\r\nContent-Length: 3\r\n\r\n{1}",
                sent.get(0), "no connect: the connection to the target carries it");
        assertTrue(sent.get(1).startsWith("notice request POST http://app.test:8080/api went on edited"), sent.get(1));

        s.target("HTTP/1.1 204 No Content\r\n\r\n");
        s.client("GET /b HTTP/1.1\r\n\r\n");
        List<String> refused = s.resume(new MessageHook.Verdict.Continue(ScriptedSession.bytes("GET http://other.test/ HTTP/1.1\r\n\r\n")));
        assertTrue(refused.stream().anyMatch(c -> c.startsWith("reply CLIENT HTTP/1.1 400 Bad Request")
                && c.contains("can only go to http://app.test:8080")), refused.toString());
        assertTrue(refused.stream().noneMatch(c -> c.startsWith("send TARGET")), refused.toString());
    }

    @Test
    void aHeldResponseReachesTheClientEdited() {
        s.out.breakpoints = MessageHook.MessageContext::isResponse;
        s.client("GET /a HTTP/1.1\r\n\r\n");
        assertEquals(List.of("hold HTTP/1.1 200 OK fine"), s.target("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfine"));
        List<String> sent = s.resume(new MessageHook.Verdict.Continue(
                ScriptedSession.bytes("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy")));
        assertTrue(sent.get(0).startsWith("notice response 200 to GET http://app.test:8080/a went on edited"), sent.get(0));
        assertEquals(List.of("send CLIENT HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy",
                "resume CLIENT"), sent.subList(1, sent.size()));
    }

    @Test
    void anAnsweredRequestNeverReachesTheTargetAndTheConnectionGoesOn() {
        s.out.breakpoints = c -> !c.isResponse() && c.url().endsWith("/mock");
        assertEquals(List.of("hold GET /mock HTTP/1.1 "), s.client("GET /mock HTTP/1.1\r\n\r\n"));
        assertEquals(List.of("reply CLIENT HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nmock", "resume CLIENT"),
                s.resume(new MessageHook.Verdict.Answer(ScriptedSession.bytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nmock"))));
        assertEquals(List.of("send TARGET GET /next HTTP/1.1\r\n\r\n"), s.client("GET /next HTTP/1.1\r\n\r\n"));
    }

    @Test
    void aDroppedRequestIsAnswered502() {
        s.out.breakpoints = c -> !c.isResponse();
        s.client("GET /dropme HTTP/1.1\r\n\r\n");
        List<String> dropped = s.resume(new MessageHook.Verdict.Drop(true));
        assertTrue(dropped.stream().anyMatch(c -> c.startsWith("reply CLIENT HTTP/1.1 502 Bad Gateway")
                && c.contains("was dropped at a breakpoint")), dropped.toString());
        assertEquals("finish", dropped.get(dropped.size() - 1));
        assertTrue(dropped.stream().noneMatch(c -> c.startsWith("send TARGET")), dropped.toString());
    }

    @Test
    void aDroppedRequestWithout502ClosesTheConnection() {
        s.out.breakpoints = c -> !c.isResponse();
        s.client("GET /dropme HTTP/1.1\r\n\r\n");
        assertEquals(List.of("closeTarget", "finish: request dropped at a breakpoint"),
                s.resume(new MessageHook.Verdict.Drop(false)));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnTheOneConnection() {
        assertEquals(List.of("send TARGET GET /1 HTTP/1.1\r\n\r\n", "pause CLIENT"),
                s.client("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n"));
        assertEquals(List.of("send CLIENT HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1", "resume CLIENT",
                "send TARGET GET /2 HTTP/1.1\r\n\r\n"), s.target("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"));
        assertEquals(List.of("send CLIENT HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2", "resume CLIENT"),
                s.target("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2"));
    }

    @Test
    void aClientThatDoesNotOpenWithARequestIsRelayedAsItCame() {
        s.out.breakpoints = c -> true;
        assertEquals(List.of("send TARGET \u0000\u0001binary\r\n"), s.client("\u0000\u0001binary\r\n"));
        assertEquals(List.of("send TARGET GET / HTTP/1.1\r\n\r\n"), s.client("GET / HTTP/1.1\r\n\r\n"),
                "once not HTTP, always not HTTP");
        assertEquals(List.of("send CLIENT HTTP/1.1 200 OK\r\n\r\n"), s.target("HTTP/1.1 200 OK\r\n\r\n"));
        assertEquals(List.of(), s.out.heldMessages);
    }

    @Test
    void aServerThatSpeaksFirstMakesThePlainRelay() {
        s.out.breakpoints = c -> true;
        assertEquals(List.of("send CLIENT 220 mail.test ESMTP\r\n"), s.target("220 mail.test ESMTP\r\n"));
        assertEquals(List.of("send TARGET HELO me\r\n"), s.client("HELO me\r\n"));
        assertEquals(List.of("shutdown TARGET"), s.on(new SessionEvent.Eof(Side.CLIENT)));
        assertEquals(List.of("shutdown CLIENT", "finish"), s.on(new SessionEvent.Eof(Side.TARGET)));
    }

    @Test
    void aRequestLineSplitOverReadsIsStillSeenAsHttp() {
        assertEquals(List.of(), s.client("GE"));
        assertEquals(List.of("send TARGET GET /slow HTTP/1.1\r\n\r\n"), s.client("T /slow HTTP/1.1\r\n\r\n"));
    }

    @Test
    void aWebSocketUpgradeIsRelayedAfterThe101() {
        s.client("GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
        assertEquals(List.of("send CLIENT HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
                "resume CLIENT"), s.target("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"));
        assertEquals(List.of("send TARGET \u0081\u0001x"), s.client("\u0081\u0001x"));
        assertEquals(List.of("send CLIENT \u0081\u0001y"), s.target("\u0081\u0001y"));
    }

    @Test
    void aForwardListenerInFrontOfAProxyPassesAbsoluteUrlsAndConnectOn() {
        assertEquals(List.of("send TARGET GET http://example.test/x HTTP/1.1\r\n\r\n"),
                s.client("GET http://example.test/x HTTP/1.1\r\n\r\n"));
        s.target("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertEquals(List.of("send TARGET CONNECT example.test:443 HTTP/1.1\r\n\r\n"),
                s.client("CONNECT example.test:443 HTTP/1.1\r\n\r\n"));
        assertEquals(List.of("send CLIENT HTTP/1.1 200 Connection established\r\n\r\n", "resume CLIENT"),
                s.target("HTTP/1.1 200 Connection established\r\n\r\n"));
        assertEquals(List.of("send TARGET \u0016\u0003\u0001"), s.client("\u0016\u0003\u0001"), "the tunnel's bytes go on");
    }

    @Test
    void afterTheClientsTlsIsDecryptedItsRequestsHaveAnHttpsUrl() {
        s.on(new SessionEvent.TunnelDecrypted());
        s.out.breakpoints = c -> !c.isResponse();
        assertEquals(List.of("hold GET /a HTTP/1.1 "), s.client("GET /a HTTP/1.1\r\nHost: app.test:8080\r\n\r\n"));
        assertEquals("https://app.test:8080/a", s.out.heldMessages.get(0).context().url());
        assertEquals(new TunnelOrigin("https", "app.test", 8080), s.out.heldMessages.get(0).context().tunnel());
    }

    @Test
    void aFailedConnectFailsTheConnectionAsAForwardOneDoes() {
        HttpProxySession fresh = HttpProxySession.forward("app.test", 8080);
        fresh.handle(new SessionEvent.Accepted(new InetSocketAddress(5000)), s.out);
        s.out.take();
        fresh.handle(new SessionEvent.ConnectFailed("app.test", 8080, "connection refused", false), s.out);
        assertEquals(List.of("fail connect to app.test:8080 failed: connection refused"), s.out.take(),
                "no 502: the client never spoke to a proxy");
    }

    @Test
    void aSocks5ConnectionWhileBreakpointsAreOnHasItsHttpHeld() {
        Socks5Session socks = new Socks5Session(null);
        ForwardSessionTest.Script script = new ForwardSessionTest.Script();
        script.hookInstalled = true;
        script.breakpoints = c -> !c.isResponse();
        connectThroughSocks5(socks, script);
        socks.handle(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(ScriptedSession.bytes("GET /s HTTP/1.1\r\nHost: a.test\r\n\r\n"))),
                script);
        assertEquals(List.of("hold GET /s HTTP/1.1 "), script.take());
        assertEquals("http://a.test/s", script.heldMessages.get(0).context().url());
        MessageHook.HeldMessage held = script.heldMessages.get(0);
        socks.handle(new SessionEvent.MessageResumed(held.id(), new MessageHook.Verdict.Continue(null)), script);
        assertEquals(List.of("send TARGET GET /s HTTP/1.1\r\nHost: a.test\r\n\r\n"), script.take());
    }

    @Test
    void aSocks5ConnectionWithoutBreakpointsIsThePlainRelay() {
        Socks5Session socks = new Socks5Session(null);
        ForwardSessionTest.Script script = new ForwardSessionTest.Script();
        script.breakpoints = c -> true;
        connectThroughSocks5(socks, script);
        socks.handle(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(ScriptedSession.bytes("GET /s HTTP/1.1\r\n\r\n"))), script);
        assertEquals(List.of("send TARGET GET /s HTTP/1.1\r\n\r\n"), script.take());
        assertEquals(List.of(), script.heldMessages);
    }

    /** The SOCKS5 negotiation of a client asking for a.test:80, and the connect, taken from the script. */
    private static void connectThroughSocks5(Socks5Session socks, ForwardSessionTest.Script script) {
        socks.handle(new SessionEvent.Accepted(new InetSocketAddress(5000)), script);
        socks.handle(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(new byte[] {5, 1, 0})), script);
        byte[] request = {5, 1, 0, 3, 6, 'a', '.', 't', 'e', 's', 't', 0, 80};
        socks.handle(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(request)), script);
        socks.handle(new SessionEvent.Connected(new InetSocketAddress("127.0.0.1", 80)), script);
        script.take();
    }
}
