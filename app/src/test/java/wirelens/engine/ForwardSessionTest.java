package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scripts of events and the commands the forward relay must answer with; no sockets. */
class ForwardSessionTest {

    /** Records commands as readable strings. */
    static class Script implements SessionOutput {
        final List<String> commands = new ArrayList<>();
        /** Whether the session awaits a request head now (kept apart from the commands). */
        boolean awaitingHead;

        @Override
        public void connect(String host, int port) {
            commands.add("connect " + host + ":" + port);
        }

        @Override
        public void send(Side to, ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            commands.add("send " + to + " " + new String(b, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void reply(Side to, ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            commands.add("reply " + to + " " + new String(b, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void pauseReading(Side side, boolean paused) {
            commands.add((paused ? "pause " : "resume ") + side);
        }

        @Override
        public void installLayer(Side side, SideLayer layer) {
            commands.add("layer " + side);
        }

        @Override
        public void shutdownOutput(Side side) {
            commands.add("shutdown " + side);
        }

        @Override
        public void closeTarget() {
            commands.add("closeTarget");
        }

        @Override
        public void finish() {
            commands.add("finish");
        }

        @Override
        public void finish(String reason) {
            commands.add(reason == null ? "finish" : "finish: " + reason);
        }

        @Override
        public void finishFailed(String message) {
            commands.add("finish failed: " + message);
        }

        @Override
        public void awaitRequestHead(boolean waiting) {
            awaitingHead = waiting;
        }

        /** Whether the session ever started the clock for a response (the proxy's 504). */
        boolean awaitedTarget;

        @Override
        public void awaitTarget(boolean waiting) {
            awaitedTarget |= waiting;
        }

        @Override
        public void reset(String reason) {
            commands.add("reset " + reason);
        }

        @Override
        public void fail(String message) {
            commands.add("fail " + message);
        }

        /** Whether a message hook is installed (as {@link #breakpointsOn} tells a session). */
        boolean hookInstalled;

        @Override
        public boolean breakpointsOn() {
            return hookInstalled;
        }

        /** Which messages a breakpoint holds (none unless a test says), and those held so far. */
        java.util.function.Predicate<MessageHook.MessageContext> breakpoints = context -> false;
        final List<MessageHook.HeldMessage> heldMessages = new ArrayList<>();

        @Override
        public MessageHook.MessageContext breakpoint(String url, TunnelOrigin tunnel,
                wirelens.proto.http.MessageHead request, wirelens.proto.http.MessageHead response) {
            MessageHook.MessageContext context = new MessageHook.MessageContext(1, null, url, request, response, tunnel);
            return breakpoints.test(context) ? context : null;
        }

        @Override
        public void holdMessage(MessageHook.HeldMessage message) {
            heldMessages.add(message);
            commands.add("hold " + message.head().startLine() + " "
                    + new String(message.body(), StandardCharsets.ISO_8859_1));
        }

        @Override
        public void notice(String message) {
            commands.add("notice " + message);
        }

        List<String> take() {
            List<String> c = List.copyOf(commands);
            commands.clear();
            return c;
        }
    }

    private final ForwardSession session = new ForwardSession("127.0.0.1", 2525);
    private final Script out = new Script();

    private List<String> on(SessionEvent e) {
        session.handle(e, out);
        return out.take();
    }

    private static SessionEvent.Received bytes(Side from, String text) {
        return new SessionEvent.Received(from, ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void connectsOnAcceptAndRelaysBothWays() {
        assertEquals(List.of("connect 127.0.0.1:2525"), on(new SessionEvent.Accepted(new InetSocketAddress(5000))));
        assertEquals(List.of(), on(new SessionEvent.Connected(new InetSocketAddress(2525))));
        assertEquals(List.of("send TARGET EHLO x\r\n"), on(bytes(Side.CLIENT, "EHLO x\r\n")));
        assertEquals(List.of("send CLIENT 250 ok\r\n"), on(bytes(Side.TARGET, "250 ok\r\n")));
    }

    @Test
    void halfCloseIsPassedOnAndTheOtherDirectionKeepsFlowing() {
        on(new SessionEvent.Accepted(new InetSocketAddress(5000)));
        on(new SessionEvent.Connected(new InetSocketAddress(2525)));
        assertEquals(List.of("shutdown TARGET"), on(new SessionEvent.Eof(Side.CLIENT)));
        assertEquals(List.of("send CLIENT reply"), on(bytes(Side.TARGET, "reply")));
        assertEquals(List.of("finish"), on(new SessionEvent.Eof(Side.TARGET)));
    }

    @Test
    void targetClosingFirstEndsOnlyWhenTheClientIsDoneToo() {
        on(new SessionEvent.Accepted(new InetSocketAddress(5000)));
        assertEquals(List.of("send CLIENT banner"), on(bytes(Side.TARGET, "banner")));
        assertEquals(List.of("shutdown CLIENT"), on(new SessionEvent.Eof(Side.TARGET)));
        assertEquals(List.of("send TARGET late"), on(bytes(Side.CLIENT, "late")));
        assertEquals(List.of("finish"), on(new SessionEvent.Eof(Side.CLIENT)));
    }

    @Test
    void refusedAndTimedOutConnectsFailWithTheTargetNamed() {
        on(new SessionEvent.Accepted(new InetSocketAddress(5000)));
        assertEquals(List.of("fail connect to 127.0.0.1:2525 failed: connection refused"),
                on(new SessionEvent.ConnectFailed("127.0.0.1", 2525, "connection refused", false)));
        assertEquals(List.of("fail connect to [::1]:25 timed out"),
                on(new SessionEvent.ConnectFailed("::1", 25, "timed out", true)));
    }

    @Test
    void aBrokenSideResetsTheConnection() {
        on(new SessionEvent.Accepted(new InetSocketAddress(5000)));
        assertEquals(List.of("reset target connection reset by peer"),
                on(new SessionEvent.Broken(Side.TARGET, "connection reset by peer")));
    }
}
