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
 * Scripts of the HTTP proxy handling the requests inside a CONNECT tunnel whose TLS Wirelens decrypts:
 * HTTP to the tunnel's one origin, with breakpoints; anything else relayed as it is. No sockets.
 */
class TunnelHttpSessionTest {

    private final ScriptedSession s = new ScriptedSession(new HttpProxySession());

    /** A CONNECT to s.test:8443 whose TLS is intercepted: both legs are up. */
    @BeforeEach
    void decryptedTunnel() {
        s.client("CONNECT s.test:8443 HTTP/1.1\r\nHost: s.test:8443\r\n\r\n");
        s.on(new SessionEvent.Connected(new InetSocketAddress("127.0.0.1", 8443)));
        assertEquals(List.of(), s.on(new SessionEvent.TunnelDecrypted()));
    }

    @Test
    void requestsGoToTheTunnelsOriginAsTheyCameOnItsOneConnection() {
        assertEquals(List.of("send TARGET GET /a HTTP/1.1\r\nHost: s.test:8443\r\nConnection: keep-alive\r\n\r\n"),
                s.client("GET /a HTTP/1.1\r\nHost: s.test:8443\r\nConnection: keep-alive\r\n\r\n"));
        assertEquals(List.of("send CLIENT HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "resume CLIENT"),
                s.target("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        assertEquals(List.of("send TARGET POST /b HTTP/1.1\r\nContent-Length: 1\r\n\r\nx", "pause CLIENT"),
                s.client("POST /b HTTP/1.1\r\nContent-Length: 1\r\n\r\nxGET /c HTTP/1.1\r\n\r\n"),
                "a pipelined request waits for the response before it, and no new connection is opened");
        assertEquals(List.of("send CLIENT HTTP/1.1 204 No Content\r\n\r\n", "resume CLIENT",
                "send TARGET GET /c HTTP/1.1\r\n\r\n"), s.target("HTTP/1.1 204 No Content\r\n\r\n"));
    }

    @Test
    void aRequestLineSplitOverReadsIsStillSeenAsHttp() {
        assertEquals(List.of(), s.client("GE"));
        assertEquals(List.of(), s.client("T /slow HTTP/1"));
        assertEquals(List.of("send TARGET GET /slow HTTP/1.1\r\n\r\n"), s.client(".1\r\n\r\n"));
    }

    @Test
    void aRequestHeadThatDoesNotComeWholeInTimeIsAnswered408InsideTheTunnel() {
        assertEquals(List.of(), s.client("GET /slow HTTP/1.1\r\nHost: s.test\r\n"));
        assertTrue(s.out.awaitingHead, "the request head timeout runs for a request inside the tunnel too");
        List<String> late = s.on(new SessionEvent.RequestHeadLate(5000));
        assertTrue(late.stream().anyMatch(c -> c.startsWith("reply CLIENT HTTP/1.1 408 Request Timeout")), late.toString());
        assertEquals("finish: request head timeout 5s", late.get(late.size() - 1));
    }

    @Test
    void aRequestHeldAtABreakpointHasItsHttpsUrlAndGoesOnEditedToTheSameOrigin() {
        s.out.breakpoints = c -> !c.isResponse();
        assertEquals(List.of("hold GET /a HTTP/1.1 "), s.client("GET /a HTTP/1.1\r\nHost: s.test:8443\r\n\r\n"));
        MessageHook.MessageContext context = s.out.heldMessages.get(0).context();
        assertEquals("https://s.test:8443/a", context.url());
        assertEquals(new TunnelOrigin("s.test", 8443), context.tunnel());
        List<String> sent = s.resume(new MessageHook.Verdict.Continue(
                ScriptedSession.bytes("GET https://s.test:8443/b?q#frag HTTP/1.1\r\nHost: s.test:8443\r\nX-Edited: yes\r\n\r\n")));
        assertEquals("send TARGET GET /b?q HTTP/1.1\r\nHost: s.test:8443\r\nX-Edited: yes\r\n\r\n",
                sent.get(0), "no connect: the tunnel's connection carries it, in origin-form");
        assertTrue(sent.get(1).startsWith("notice request GET https://s.test:8443/a went on edited"), sent.get(1));
    }

    @Test
    void aHeldRequestLetGoUnchangedGoesAsItCameFramingAndAll() {
        s.out.breakpoints = c -> !c.isResponse();
        s.client("PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n");
        assertEquals(List.of("send TARGET PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"),
                s.resume(new MessageHook.Verdict.Continue(null)));
    }

    @Test
    void anOriginThatClosesWhileARequestIsHeldLeavesTheClientA502WhenItGoesOn() {
        s.out.breakpoints = c -> !c.isResponse();
        s.client("GET /slowly HTTP/1.1\r\n\r\n");
        assertEquals(List.of("closeTarget"), s.on(new SessionEvent.Eof(Side.TARGET)), "the user is still deciding");
        List<String> sent = s.resume(new MessageHook.Verdict.Continue(null));
        assertTrue(sent.get(0).startsWith("reply CLIENT HTTP/1.1 502 Bad Gateway"), sent.toString());
        assertTrue(sent.get(0).contains("the origin closed the TLS tunnel while the request waited"), sent.get(0));
        assertEquals("finish", sent.get(sent.size() - 1));
    }

    @Test
    void anEditThatNamesAnotherHostIsRefusedNotSentToTheTunnelsHost() {
        TunnelOrigin origin = new TunnelOrigin("s.test", 8443);
        assertNull(origin.refusal("/x"));
        assertNull(origin.refusal("https://S.test:8443/x"));
        assertTrue(origin.refusal("https://other.test:8443/x").contains("inside the TLS tunnel to s.test:8443"));
        assertTrue(origin.refusal("https://s.test/x") != null, "port 443 is another origin");
        s.out.breakpoints = c -> !c.isResponse();
        s.client("GET /a HTTP/1.1\r\n\r\n");
        List<String> sent = s.resume(new MessageHook.Verdict.Continue(ScriptedSession.bytes("GET http://other.test/ HTTP/1.1\r\n\r\n")));
        assertTrue(sent.stream().anyMatch(c -> c.startsWith("reply CLIENT HTTP/1.1 400 Bad Request")
                && c.contains("can only go to https://s.test:8443")), sent.toString());
        assertTrue(sent.stream().noneMatch(c -> c.startsWith("send TARGET")), sent.toString());
    }

    @Test
    void aHeldResponseGoesToTheClientEditedAndAnAnsweredRequestNeverReachesTheOrigin() {
        s.out.breakpoints = MessageHook.MessageContext::isResponse;
        s.client("GET /a HTTP/1.1\r\n\r\n");
        assertEquals(List.of("hold HTTP/1.1 200 OK fine"), s.target("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfine"));
        assertEquals("https://s.test:8443/a", s.out.heldMessages.get(0).context().url());
        List<String> sent = s.resume(new MessageHook.Verdict.Continue(
                ScriptedSession.bytes("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy")));
        assertEquals(List.of("send CLIENT HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy",
                "resume CLIENT"), sent.subList(1, sent.size()));

        s.out.breakpoints = c -> !c.isResponse();
        s.client("GET /mock HTTP/1.1\r\n\r\n");
        assertEquals(List.of("reply CLIENT HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nmock", "resume CLIENT"),
                s.resume(new MessageHook.Verdict.Answer(ScriptedSession.bytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nmock"))));
    }

    @Test
    void whenTheOriginClosesTheClientsConnectionEndsToo() {
        s.client("GET /a HTTP/1.1\r\n\r\n");
        assertEquals(List.of("send CLIENT HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", "finish"),
                s.target("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void anIdleOriginThatClosesEndsTheClientsConnection() {
        s.client("GET /a HTTP/1.1\r\n\r\n");
        s.target("HTTP/1.1 204 No Content\r\n\r\n");
        assertEquals(List.of("finish"), s.on(new SessionEvent.Eof(Side.TARGET)));
    }

    @Test
    void aWebSocketUpgradeBecomesAPlainTunnelAfterThe101() {
        assertEquals(List.of("send TARGET GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
                "pause CLIENT"), s.client("GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\u0081\u0001x"));
        assertEquals(List.of("send CLIENT HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
                "resume CLIENT", "send TARGET \u0081\u0001x"),
                s.target("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"));
        assertEquals(List.of("send TARGET GET / HTTP/1.1\r\n\r\n"), s.client("GET / HTTP/1.1\r\n\r\n"));
    }

    @Test
    void bytesThatAreNotAnHttpRequestAreRelayedAsTheyCame() {
        assertEquals(List.of("send TARGET PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), s.client("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        assertEquals(List.of("send TARGET GET / HTTP/1.1\r\n\r\n"), s.client("GET / HTTP/1.1\r\n\r\n"),
                "once opaque, always opaque");
    }

    @Test
    void aServerThatSpeaksFirstMakesThePlainTunnel() {
        assertEquals(List.of("send CLIENT 220 mail.test ESMTP\r\n"), s.target("220 mail.test ESMTP\r\n"));
        assertEquals(List.of("send TARGET EHLO me\r\n"), s.client("EHLO me\r\n"));
    }

    @Test
    void aClientThatStopsInTheMiddleOfItsFirstLineHasItsBytesRelayed() {
        assertEquals(List.of(), s.client("HEL"));
        assertEquals(List.of("send TARGET HEL", "shutdown TARGET"), s.on(new SessionEvent.Eof(Side.CLIENT)));
    }
}
