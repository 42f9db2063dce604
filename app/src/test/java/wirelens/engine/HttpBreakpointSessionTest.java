package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scripts of the HTTP proxy holding whole messages at breakpoints, and what each verdict sends; no sockets. */
class HttpBreakpointSessionTest {

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

    private List<String> resume(MessageHook.Verdict verdict) {
        MessageHook.HeldMessage held = out.heldMessages.get(out.heldMessages.size() - 1);
        return on(new SessionEvent.MessageResumed(held.id(), verdict));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aHeldRequestOpensNothingUntilItGoesOnEditedWithItsNewLength() {
        out.breakpoints = c -> !c.isResponse() && c.request().method().equals("POST");
        assertEquals(List.of(), client("POST http://a.test/api HTTP/1.1\r\nHost: a.test\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n7\r\n{\"a\":1}\r\n"));
        assertEquals(List.of("hold POST http://a.test/api HTTP/1.1 {\"a\":1}"), client("0\r\n\r\n"));
        assertEquals(List.of("pause CLIENT"), client("GET http://a.test/next HTTP/1.1\r\n\r\n"),
                "a pipelined request waits behind the held one");
        List<String> sent = resume(new MessageHook.Verdict.Continue(bytes("POST http://b.test:81/api HTTP/1.1\r\n"
                + "Host: a.test\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"a\":1,\"b\":22}\n")));
        assertEquals(List.of("connect b.test:81", "send TARGET POST /api HTTP/1.1\r\nHost: b.test:81\r\n"
                + "Content-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"a\":1,\"b\":22}\n"), sent.subList(0, 2));
        assertTrue(sent.get(2).startsWith("notice request POST http://a.test/api went on edited at a breakpoint"), sent.get(2));
        on(new SessionEvent.Connected(new InetSocketAddress("127.0.0.1", 81)));
        assertEquals(List.of("send CLIENT HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "resume CLIENT",
                "closeTarget", "connect a.test:80", "send TARGET GET /next HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                target("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), "the next request is not held: only POSTs are");
    }

    @Test
    void aRequestGoesOnUnchangedAsItCameFramingAndAll() {
        out.breakpoints = c -> !c.isResponse();
        client("PUT http://a.test/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n");
        assertEquals(List.of("connect a.test:80",
                "send TARGET PUT /x HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"),
                resume(new MessageHook.Verdict.Continue(null)));
    }

    @Test
    void anAnsweredRequestNeverReachesTheServerAndTheConnectionGoesOn() {
        out.breakpoints = c -> !c.isResponse() && c.url().endsWith("/mock");
        assertEquals(List.of("hold GET http://a.test/mock HTTP/1.1 "), client("GET http://a.test/mock HTTP/1.1\r\n\r\n"));
        assertEquals(List.of("reply CLIENT HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nmock", "resume CLIENT"),
                resume(new MessageHook.Verdict.Answer(bytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nmock"))));
        assertEquals(List.of("connect a.test:80", "send TARGET GET /real HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                client("GET http://a.test/real HTTP/1.1\r\n\r\n"));
    }

    @Test
    void aDroppedRequestIsAnswered502OrItsConnectionClosed() {
        out.breakpoints = c -> !c.isResponse();
        client("GET http://a.test/ HTTP/1.1\r\n\r\n");
        List<String> answered = resume(new MessageHook.Verdict.Drop(true));
        assertTrue(answered.get(0).startsWith("reply CLIENT HTTP/1.1 502 Bad Gateway\r\n"), answered.get(0));
        assertTrue(answered.get(0).endsWith("wirelens: request GET http://a.test/ was dropped at a breakpoint\n"));
        assertEquals("finish", answered.get(1));

        HttpProxySession other = new HttpProxySession();
        other.handle(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(bytes("GET http://a.test/ HTTP/1.1\r\n\r\n"))), out);
        out.take();
        other.handle(new SessionEvent.MessageResumed(out.heldMessages.get(1).id(), new MessageHook.Verdict.Drop(false)), out);
        assertEquals(List.of("finish: request dropped at a breakpoint"), out.take());
    }

    @Test
    void aHeldResponseReachesTheClientEditedWithItsStatusAndLength() {
        out.breakpoints = MessageHook.MessageContext::isResponse;
        client("GET http://a.test/ HTTP/1.1\r\n\r\n");
        on(new SessionEvent.Connected(new InetSocketAddress("127.0.0.1", 80)));
        assertEquals(List.of(), target("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\nhe"));
        assertEquals(List.of("hold HTTP/1.1 200 OK hello"), target("llo"));
        List<String> sent = resume(new MessageHook.Verdict.Continue(
                bytes("HTTP/1.1 503 Service Unavailable\r\nConnection: keep-alive\r\nContent-Length: 4\r\n\r\nbusy")));
        assertTrue(sent.get(0).startsWith("notice response 200 to GET http://a.test/ went on edited"), sent.get(0));
        assertEquals(List.of("send CLIENT HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy", "resume CLIENT"),
                sent.subList(1, sent.size()));
    }

    @Test
    void aResponseEndedByCloseGoesOnAndTheClientConnectionThenEnds() {
        out.breakpoints = MessageHook.MessageContext::isResponse;
        client("GET http://a.test/ HTTP/1.1\r\n\r\n");
        on(new SessionEvent.Connected(new InetSocketAddress("127.0.0.1", 80)));
        assertEquals(List.of(), target("HTTP/1.0 200 OK\r\n\r\nall"));
        assertEquals(List.of("hold HTTP/1.0 200 OK all"), on(new SessionEvent.Eof(Side.TARGET)));
        assertEquals(List.of("send CLIENT HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nall", "finish"),
                resume(new MessageHook.Verdict.Continue(null)));
    }

    @Test
    void aKeptUpstreamThatClosesWhileARequestIsHeldIsReplacedNotReportedAsAFailure() {
        client("GET http://a.test/1 HTTP/1.1\r\n\r\n");
        on(new SessionEvent.Connected(new InetSocketAddress("127.0.0.1", 80)));
        target("HTTP/1.1 204 No Content\r\n\r\n");
        out.breakpoints = c -> !c.isResponse();
        client("GET http://a.test/2 HTTP/1.1\r\n\r\n");
        assertEquals(List.of("closeTarget"), on(new SessionEvent.Eof(Side.TARGET)));
        assertEquals(List.of("connect a.test:80", "send TARGET GET /2 HTTP/1.1\r\nHost: a.test\r\n\r\n"),
                resume(new MessageHook.Verdict.Continue(null)));
    }

    @Test
    void aMessageOverTheLimitPassesItsBreakpointWithANotice() {
        out.breakpoints = c -> true;
        client("POST http://a.test/big HTTP/1.1\r\nContent-Length: " + (MessageHook.MAX_BODY_BYTES + 10) + "\r\n\r\n");
        byte[] piece = new byte[1 << 20];
        Arrays.fill(piece, (byte) 'x');
        for (int k = 0; k < 16; k++) {
            assertEquals(List.of(), on(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(piece))));
        }
        List<String> passed = on(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(piece, 0, 5)));
        assertTrue(passed.get(0).startsWith("notice request POST http://a.test/big has a body over 16.0 MiB"), passed.get(0));
        assertEquals("connect a.test:80", passed.get(1));
        assertEquals(MessageHook.MAX_BODY_BYTES + 5 + "POST /big HTTP/1.1\r\nHost: a.test\r\nContent-Length: 16777226\r\n\r\n".length()
                + "send TARGET ".length(), passed.get(2).length());
        assertEquals(List.of("send TARGET xxxxx"), on(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(piece, 0, 5))),
                "the rest streams on");
    }
}
