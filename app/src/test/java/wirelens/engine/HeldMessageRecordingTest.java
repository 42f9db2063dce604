package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What the capture gets, and in which order, when the HTTP proxy holds messages at breakpoints: the proxy's
 * session recording through {@link PendingReads} as a connection does while breakpoints are on; no sockets.
 * A recorded chunk reads {@code C 3: bytes} (from the client, at time 3), {@code => edited} or {@code =>
 * dropped} when it did not go on as read, {@code injected} for what the proxy made up.
 */
class HeldMessageRecordingTest {

    private final HttpProxySession session = new HttpProxySession();
    private final Recording out = new Recording();

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The proxy as a connection drives it: bytes read, handed to the session, recorded what no hold keeps. */
    private List<String> read(Side from, String text) {
        byte[] b = bytes(text);
        out.pending.read(from, b, b, ++out.now);
        return on(new SessionEvent.Received(from, ByteBuffer.wrap(b)));
    }

    private List<String> on(SessionEvent e) {
        session.handle(e, out);
        out.pending.flush();
        return out.take();
    }

    private List<String> resume(MessageHook.Verdict verdict) {
        out.now = 100;
        MessageHook.HeldMessage held = out.held.get(out.held.size() - 1);
        return on(new SessionEvent.MessageResumed(held.id(), verdict));
    }

    private void connected() {
        on(new SessionEvent.Connected(new InetSocketAddress("127.0.0.1", 80)));
    }

    @Test
    void aHeadOverTwoReadsEditedAtABreakpointIsRecordedOnceAsItWentOnWhenItWentOn() {
        out.breakpoints = c -> !c.isResponse();
        assertEquals(List.of(), read(Side.CLIENT, "POST http://a.test/api HTTP/1.1\r\nContent-Le"));
        assertEquals(List.of(), read(Side.CLIENT, "ngth: 7\r\n\r\n{\"a\":1}"), "held: nothing recorded yet");
        String edited = "POST http://a.test/api2 HTTP/1.1\r\nX-Edited: yes\r\nContent-Length: 13\r\n\r\n{\"a\":1,\"b\":2}";
        assertEquals(List.of("C 100: POST http://a.test/api HTTP/1.1\r\nContent-Length: 7\r\n\r\n{\"a\":1} => " + edited),
                resume(new MessageHook.Verdict.Continue(bytes(edited))));
    }

    @Test
    void aMessageLetGoOnUnchangedIsOneChunkAsItCame() {
        out.breakpoints = c -> !c.isResponse();
        read(Side.CLIENT, "GET http://a.test/x HTTP/1.1\r\n");
        read(Side.CLIENT, "\r\n");
        assertEquals(List.of("C 100: GET http://a.test/x HTTP/1.1\r\n\r\n"), resume(new MessageHook.Verdict.Continue(null)));
    }

    @Test
    void aHeadNoBreakpointWantsIsRecordedAsReadOnceItIsComplete() {
        out.breakpoints = c -> c.request().method().equals("POST");
        assertEquals(List.of(), read(Side.CLIENT, "GET http://a.test/x HT"), "a head may yet be wanted");
        assertEquals(List.of("C 1: GET http://a.test/x HT", "C 2: TP/1.1\r\n\r\n"), read(Side.CLIENT, "TP/1.1\r\n\r\n"));
        connected();
        assertEquals(List.of("S 3: HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
                read(Side.TARGET, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    }

    @Test
    void aDroppedRequestIsRecordedDroppedBeforeThe502() {
        out.breakpoints = c -> !c.isResponse();
        read(Side.CLIENT, "GET http://a.test/x HTTP/1.1\r\n\r\n");
        List<String> recorded = resume(new MessageHook.Verdict.Drop(true));
        assertEquals("C 100: GET http://a.test/x HTTP/1.1\r\n\r\n => dropped", recorded.get(0));
        assertTrue(recorded.get(1).startsWith("S injected: HTTP/1.1 502 Bad Gateway\r\n"), recorded.get(1));
        assertEquals(2, recorded.size());
    }

    @Test
    void anAnsweredRequestIsDroppedAndTheAnswerInjectedThenTheNextRequestIsRecordedAfterThem() {
        out.breakpoints = c -> c.url().endsWith("/mock");
        read(Side.CLIENT, "GET http://a.test/mock HTTP/1.1\r\n\r\nGET http://a.test/real HTTP/1.1\r\n\r\n");
        String typed = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nmock";
        assertEquals(List.of("C 100: GET http://a.test/mock HTTP/1.1\r\n\r\n => dropped", "S injected: " + typed,
                "C 100: GET http://a.test/real HTTP/1.1\r\n\r\n"),
                resume(new MessageHook.Verdict.Answer(bytes(typed))),
                "the pipelined request goes on at once, after the answer, read with the held one");
    }

    @Test
    void aPipelinedRequestBehindAHeldOneIsRecordedAfterItAndMayBeHeldInItsTurn() {
        out.breakpoints = c -> !c.isResponse();
        assertEquals(List.of(), read(Side.CLIENT, "GET http://a.test/1 HTTP/1.1\r\n\r\nGET http://a.test/2 HTTP/1.1\r\n\r\n"));
        assertEquals(List.of("C 100: GET http://a.test/1 HTTP/1.1\r\n\r\n => GET http://a.test/one HTTP/1.1\r\n\r\n"),
                resume(new MessageHook.Verdict.Continue(bytes("GET http://a.test/one HTTP/1.1\r\n\r\n"))),
                "the second waits for its turn");
        connected();
        assertEquals(List.of("S 101: HTTP/1.1 204 No Content\r\n\r\n"), read(Side.TARGET, "HTTP/1.1 204 No Content\r\n\r\n"),
                "the second is held at its own breakpoint now");
        assertEquals(2, out.held.size());
        assertEquals(List.of("C 200: GET http://a.test/2 HTTP/1.1\r\n\r\n => GET http://a.test/two HTTP/1.1\r\n\r\n"),
                resumeAt(200, new MessageHook.Verdict.Continue(bytes("GET http://a.test/two HTTP/1.1\r\n\r\n"))));
    }

    private List<String> resumeAt(long time, MessageHook.Verdict verdict) {
        MessageHook.HeldMessage held = out.held.get(out.held.size() - 1);
        out.now = time;
        return on(new SessionEvent.MessageResumed(held.id(), verdict));
    }

    @Test
    void aResponseEditedTo503IsRecordedEditedAndItsEndComesAfterIt() {
        out.breakpoints = MessageHook.MessageContext::isResponse;
        read(Side.CLIENT, "GET http://a.test/ HTTP/1.1\r\n\r\n");
        connected();
        assertEquals(List.of(), read(Side.TARGET, "HTTP/1.0 200 OK\r\n\r\nall"));
        out.pending.halfClosed(Side.TARGET, ++out.now);
        assertEquals(List.of(), on(new SessionEvent.Eof(Side.TARGET)), "the end waits behind the held response");
        String edited = "HTTP/1.0 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy";
        assertEquals(List.of("S 100: HTTP/1.0 200 OK\r\n\r\nall => " + edited, "S 100: end"),
                resume(new MessageHook.Verdict.Continue(bytes(edited))));
    }

    @Test
    void aMessageTooLargeToHoldIsRecordedAsRead() {
        out.breakpoints = c -> true;
        read(Side.CLIENT, "POST http://a.test/big HTTP/1.1\r\nContent-Length: " + (MessageHook.MAX_BODY_BYTES + 10) + "\r\n\r\n");
        String piece = "x".repeat(1 << 20);
        for (int k = 0; k < 16; k++) {
            assertEquals(List.of(), read(Side.CLIENT, piece));
        }
        List<String> recorded = read(Side.CLIENT, "xxxxx");
        assertEquals(18, recorded.size(), "each read as it came");
        assertTrue(recorded.get(0).startsWith("C 1: POST http://a.test/big"), recorded.get(0));
        assertEquals("C 18: xxxxx", recorded.get(17));
        assertEquals(List.of("C 19: xxxxx"), read(Side.CLIENT, "xxxxx"));
    }

    @Test
    void aRequestRefusedWhileItsHeadIsHeldIsRecordedBeforeTheRefusal() {
        out.breakpoints = c -> true;
        List<String> recorded = read(Side.CLIENT, "GET /not-absolute HTTP/1.1\r\n\r\n");
        assertEquals("C 1: GET /not-absolute HTTP/1.1\r\n\r\n", recorded.get(0));
        assertTrue(recorded.get(1).startsWith("S injected: HTTP/1.1 400 Bad Request"), recorded.get(1));
    }

    @Test
    void aHeadCutShortByTheTimeoutIsRecordedBeforeThe408() {
        read(Side.CLIENT, "GET http://a.test/ HTTP/1.1\r\nHost: a");
        List<String> recorded = on(new SessionEvent.RequestHeadLate(60_000));
        assertEquals("C 1: GET http://a.test/ HTTP/1.1\r\nHost: a", recorded.get(0));
        assertTrue(recorded.get(1).startsWith("S injected: HTTP/1.1 408 Request Timeout"), recorded.get(1));
    }

    /** A session output that records as a connection does while a message hook watches; other commands do nothing. */
    private static final class Recording implements SessionOutput {
        final List<String> recorded = new ArrayList<>();
        final PendingReads pending = new PendingReads(1, e -> recorded.add(describe(e)));
        final List<MessageHook.HeldMessage> held = new ArrayList<>();
        Predicate<MessageHook.MessageContext> breakpoints = c -> false;
        long now;

        private static String describe(EngineEvent e) {
            if (e instanceof EngineEvent.HalfClosed h) {
                return (h.direction() == Direction.CLIENT_TO_SERVER ? "C " : "S ") + h.timeNanos() + ": end";
            }
            EngineEvent.Chunk c = (EngineEvent.Chunk) e;
            String side = c.direction() == Direction.CLIENT_TO_SERVER ? "C " : "S ";
            if (c.originalLength() == 0) {
                return side + "injected: " + text(c.forwarded());
            }
            String line = side + c.timeNanos() + ": " + text(c.original());
            return c.dropped() ? line + " => dropped" : c.edited() ? line + " => " + text(c.forwarded()) : line;
        }

        List<String> take() {
            List<String> r = List.copyOf(recorded);
            recorded.clear();
            return r;
        }

        @Override
        public void connect(String host, int port) {}

        @Override
        public void send(Side to, ByteBuffer data) {
            data.position(data.limit());
        }

        @Override
        public void reply(Side to, ByteBuffer data) {
            pending.flush();
            byte[] b = new byte[data.remaining()];
            data.get(b);
            recorded.add(describe(new EngineEvent.Chunk(1, to.opposite().from(), now, new byte[0], b)));
        }

        @Override
        public void pauseReading(Side side, boolean paused) {}

        @Override
        public void installLayer(Side side, SideLayer layer) {}

        @Override
        public void shutdownOutput(Side side) {}

        @Override
        public void closeTarget() {}

        @Override
        public void finish() {
            pending.flushAll();
        }

        @Override
        public void finishFailed(String message) {
            pending.flushAll();
        }

        @Override
        public void reset(String reason) {
            pending.flushAll();
        }

        @Override
        public void fail(String message) {
            pending.flushAll();
        }

        @Override
        public void holdRecording(Side from, long lastBytes) {
            pending.hold(from, lastBytes);
        }

        @Override
        public void releaseRecording(Side from) {
            pending.release(from);
        }

        @Override
        public void releaseRecording(Side from, long length) {
            pending.releaseMessage(from, length, null, true, now);
        }

        @Override
        public void releaseRecording(Side from, long length, byte[] forwarded) {
            pending.releaseMessage(from, length, forwarded, false, now);
        }

        @Override
        public MessageHook.MessageContext breakpoint(String url, TunnelOrigin tunnel,
                wirelens.proto.http.MessageHead request, wirelens.proto.http.MessageHead response) {
            MessageHook.MessageContext context = new MessageHook.MessageContext(1, null, url, request, response, tunnel);
            boolean recordable = pending.holding(response == null ? Side.CLIENT : Side.TARGET);
            return recordable && breakpoints.test(context) ? context : null;
        }

        @Override
        public void holdMessage(MessageHook.HeldMessage message) {
            held.add(message);
        }
    }
}
