package wirelens.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** What the socket layer tells a {@link Session}. */
public sealed interface SessionEvent {

    /** The client was accepted; nothing has been read yet. */
    record Accepted(InetSocketAddress client) implements SessionEvent {}

    /**
     * The target connection asked for with {@link SessionOutput#connect} is established: {@code target} is
     * its peer, {@code local} Wirelens' own end of it (either null when the socket did not say).
     */
    record Connected(InetSocketAddress target, InetSocketAddress local) implements SessionEvent {

        public Connected(InetSocketAddress target) {
            this(target, null);
        }
    }

    /** The target connection could not be made (refused, unknown host, timed out). */
    record ConnectFailed(String host, int port, String reason, boolean timedOut) implements SessionEvent {}

    /**
     * Bytes read from a side (after the hook chain). The buffer is only valid during the call: a
     * session that keeps bytes must copy them.
     */
    record Received(Side from, ByteBuffer data) implements SessionEvent {}

    /** The side finished sending (it shut down its output). */
    record Eof(Side from) implements SessionEvent {}

    /** The target sent nothing for the response timeout while the session awaited it. */
    record TargetSilent(long waitedMillis) implements SessionEvent {}

    /**
     * The client has not completed a request head within the request head timeout since the session
     * began to await one ({@link SessionOutput#awaitRequestHead}).
     */
    record RequestHeadLate(long waitedMillis) implements SessionEvent {}

    /** Reading from or writing to the side failed, e.g. connection reset by peer. */
    record Broken(Side side, String reason) implements SessionEvent {}

    /**
     * Wirelens intercepts the TLS the client just started (in a CONNECT tunnel, on a forward or SOCKS5
     * connection, after STARTTLS), and both legs are up: the bytes that follow either way are the plaintext
     * inside it.
     */
    record TunnelDecrypted() implements SessionEvent {}

    /** The user decided about a message held at a breakpoint ({@link SessionOutput#holdMessage}). */
    record MessageResumed(long messageId, MessageHook.Verdict verdict) implements SessionEvent {}
}
