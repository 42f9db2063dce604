package wirelens.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A session driven by a test without sockets: each call hands it one event and returns the commands it
 * gave ({@link ForwardSessionTest.Script}). Text is sent as ISO-8859-1, byte for byte.
 */
final class ScriptedSession {
    final Session session;
    final ForwardSessionTest.Script out = new ForwardSessionTest.Script();

    ScriptedSession(Session session) {
        this.session = session;
    }

    List<String> on(SessionEvent e) {
        session.handle(e, out);
        return out.take();
    }

    List<String> client(String text) {
        return on(new SessionEvent.Received(Side.CLIENT, ByteBuffer.wrap(bytes(text))));
    }

    List<String> target(String text) {
        return on(new SessionEvent.Received(Side.TARGET, ByteBuffer.wrap(bytes(text))));
    }

    /** Lets the message held last go on with {@code verdict}. */
    List<String> resume(MessageHook.Verdict verdict) {
        MessageHook.HeldMessage held = out.heldMessages.get(out.heldMessages.size() - 1);
        return on(new SessionEvent.MessageResumed(held.id(), verdict));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
