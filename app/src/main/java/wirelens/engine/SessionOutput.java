package wirelens.engine;

import java.nio.ByteBuffer;
import wirelens.proto.http.MessageHead;

/**
 * What a {@link Session} asks the socket layer to do. Commands for one side are carried out in the
 * order given; none of them blocks.
 */
public interface SessionOutput {

    /** Opens the target connection (closing a previous one). Answered by Connected or ConnectFailed. */
    void connect(String host, int port);

    /** Queues bytes for a side; the bytes are consumed before this returns. */
    void send(Side to, ByteBuffer data);

    /**
     * Sends bytes the session made up itself (an error page, "200 Connection established"). They are
     * recorded as an injected chunk, so the capture shows what the peer really got, after the bytes read
     * before it (but those a hold keeps: a session answering a request it read releases its hold first).
     */
    void reply(Side to, ByteBuffer data);

    /**
     * Stops (true) or resumes (false) reading from a side, e.g. an HTTP proxy that answers pipelined
     * requests one at a time. Bytes already delivered stay the session's to keep.
     */
    void pauseReading(Side side, boolean paused);

    /**
     * Starts (true) or ends (false) a wait for the target to answer. If the target sends nothing for
     * the response timeout while waiting, the session gets {@link SessionEvent.TargetSilent}.
     */
    default void awaitTarget(boolean waiting) {}

    /**
     * Starts (true) or ends (false) the wait for the client's request head. If the head is not complete
     * within the request head timeout of the wait's start, the session gets
     * {@link SessionEvent.RequestHeadLate}; starting a wait that runs already changes nothing.
     */
    default void awaitRequestHead(boolean waiting) {}

    /**
     * From now on, bytes to and from {@code side} pass {@code layer} (say, TLS once a STARTTLS go-ahead
     * has been forwarded). Bytes already queued for the side go out as before, and the side is not read,
     * until they are sent; then the layer takes over. Installing another layer before that replaces it.
     */
    void installLayer(Side side, SideLayer layer);

    /** Shuts down the output towards a side once everything queued for it has been sent. */
    void shutdownOutput(Side side);

    /** Closes the target connection at once (an HTTP proxy switching origins). */
    void closeTarget();

    /** Ends the connection normally once everything queued has been sent. */
    void finish();

    /**
     * As {@link #finish()}, for an end the session chose for a reason the user should see with it
     * (say "request head timeout 60s"); null: an ordinary end.
     */
    default void finish(String reason) {
        finish();
    }

    /**
     * Ends the connection as an error (reported to the user, as {@link #fail}) once everything queued has
     * been sent, so that an answer the session made up (an HTTP proxy's 502) still reaches the client.
     */
    void finishFailed(String message);

    /** Ends the connection at once as a reset: both sides are closed with RST. */
    void reset(String reason);

    /** Ends the connection at once as an error (reported to the user). */
    void fail(String message);

    /**
     * From now on the client's bytes are the session's own negotiation with it (a SOCKS5 greeting and
     * request), not stream data: they reach the session without passing the hooks and are not recorded
     * as chunks, and what the session sends meanwhile is not either, until {@link #negotiated}.
     */
    default void negotiating() {}

    /**
     * Ends the negotiation and reports it as one event: {@code summary} is its line ("SOCKS5 CONNECT
     * example.com:443 → succeeded"), {@code host}/{@code port} the target the client asked for (null, 0:
     * it asked for none), {@code fromClient}/{@code toClient} the bytes each way. Bytes read afterwards are
     * stream data again, and so is {@code rest} (null: none): client bytes that came right after the
     * negotiation in the same read, handed back to be recorded and passed to the session as if read now.
     */
    default void negotiated(String summary, String host, int port, byte[] fromClient, byte[] toClient,
            byte[] rest) {}

    /**
     * The client's next bytes may open TLS to {@code host:port} (a CONNECT tunnel has just been set up):
     * where the engine intercepts TLS it looks at them before the session does.
     */
    default void expectTls(String host, int port) {}

    /**
     * Whether a {@link MessageHook} is installed: a forward connection that starts now is then given to a
     * session that can hold its HTTP messages ({@link HttpProxySession#forward}).
     */
    default boolean breakpointsOn() {
        return false;
    }

    /**
     * The breakpoint context of a message whose head just came, if the engine's {@link MessageHook} wants
     * to hold it; null otherwise (no hook, or it does not want it). {@code tunnel}: the one origin of the
     * connection the message is on (a decrypted CONNECT tunnel, a forward or SOCKS5 connection), or null.
     */
    default MessageHook.MessageContext breakpoint(String url, TunnelOrigin tunnel, MessageHead request,
            MessageHead response) {
        return null;
    }

    /**
     * Keeps the bytes from {@code from} out of the capture from the one {@code lastBytes} before the end of
     * what the session has been handed from that side (the first byte of a head that may be held at a
     * breakpoint) until one of the {@code releaseRecording} calls, so a held message is recorded as it went
     * on. Only while a {@link MessageHook} watches (a read is then recorded once the session has handled it);
     * a hold that starts earlier stays. {@link #breakpoint} asks the hook only about a message whose side's
     * recording is held.
     */
    default void holdRecording(Side from, long lastBytes) {}

    /** Ends the hold on {@code from}: the bytes it kept are recorded as they were read. */
    default void releaseRecording(Side from) {}

    /**
     * Ends the hold on {@code from} with the message it kept, which went on as it came: its first {@code
     * length} bytes are recorded as one chunk, now; what follows them, as read.
     */
    default void releaseRecording(Side from, long length) {}

    /**
     * As {@link #releaseRecording(Side, long)} for a message that went on as {@code forwarded} (one complete
     * message in wire form) instead, or did not go on at all: null (dropped, or answered in its place).
     */
    default void releaseRecording(Side from, long length, byte[] forwarded) {}

    /**
     * Hands a message buffered whole to the message hook. Until the session is told {@link
     * SessionEvent.MessageResumed} for it, the connection does not count as idle.
     */
    default void holdMessage(MessageHook.HeldMessage message) {}

    /** Something the user should hear about that does not end the connection. */
    default void notice(String message) {}
}
