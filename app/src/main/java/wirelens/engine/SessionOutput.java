package wirelens.engine;

import java.nio.ByteBuffer;

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
     * recorded as an injected chunk, so the capture shows what the peer really got.
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
     * The client's next bytes may open TLS to {@code host:port} (a CONNECT tunnel has just been set up):
     * where the engine intercepts TLS it looks at them before the session does.
     */
    default void expectTls(String host, int port) {}
}
