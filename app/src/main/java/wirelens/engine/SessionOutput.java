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

    /** Shuts down the output towards a side once everything queued for it has been sent. */
    void shutdownOutput(Side side);

    /** Closes the target connection at once (an HTTP proxy switching origins). */
    void closeTarget();

    /** Ends the connection normally once everything queued has been sent. */
    void finish();

    /** Ends the connection at once as a reset: both sides are closed with RST. */
    void reset(String reason);

    /** Ends the connection at once as an error (reported to the user). */
    void fail(String message);
}
