package wirelens.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * What every byte read from and written to one socket of a connection passes through, between the
 * channel and the session: socket ↔ side layer ↔ session. For plain TCP it is {@link #PLAIN}, the
 * identity; a TLS layer (wrap and unwrap with network buffers of its own) can take its place on
 * either side, at the start or in the middle of a connection ({@link SessionOutput#installLayer}), so
 * the session, the hooks and the capture only ever see what the layer lets through. Only the
 * selector thread calls it; none of its methods may block.
 *
 * <p>The relay ({@link Connection}) keeps its rules in terms of the session's bytes and asks the layer
 * what they mean on the socket: the layer turns the ops the relay wants into the ops the socket must
 * wait for ({@link #interestOps}), does work of its own when the socket is ready ({@link #advance}),
 * and says when it holds bytes either way ({@link #holdsOutput}, {@link #holdsInput}), which count for
 * backpressure and for ending the connection like bytes queued by the relay.
 */
public interface SideLayer {

    /** Plain TCP: bytes pass unchanged, straight between the channel and the caller's buffer. */
    SideLayer PLAIN = new PlainLayer();

    /**
     * Called once when the layer takes over its side, before any other call. {@code wake} may be called
     * from any thread when the layer can go on without the socket becoming ready (a task it ran off the
     * selector thread is done): the connection then calls {@link #advance}, writes and reads as the
     * relay allows, and asks for {@link #interestOps} again.
     */
    void start(Runnable wake);

    /**
     * Reads what the session is to see into {@code dst}: the number of bytes put there; 0 when none are
     * ready (a partial record, a handshake message that only the layer reads); -1 once the peer has
     * ended its sending (a FIN; for TLS, close_notify in that direction).
     */
    int read(SocketChannel channel, ByteBuffer dst) throws IOException;

    /**
     * Takes bytes the session sends to the peer from {@code src} and returns how many it took; 0 when it
     * takes none now (the socket is full, a handshake is not done). Bytes taken are the layer's to send.
     */
    int write(SocketChannel channel, ByteBuffer src) throws IOException;

    /**
     * Ends the sending towards the peer, after whatever the layer holds (for TLS: close_notify, then the
     * FIN). Called once everything the session sent before has been taken.
     */
    void shutdownOutput(SocketChannel channel) throws IOException;

    /** Does the layer's own work that the socket may now allow: send what it holds, go on with a handshake. */
    void advance(SocketChannel channel) throws IOException;

    /**
     * The ops the socket must wait for, given the ops the relay wants ({@code OP_READ} while the session
     * may be given bytes, {@code OP_WRITE} while bytes wait to be taken or sent). The identity returns
     * {@code wanted}; a layer in a handshake returns what the handshake waits for.
     */
    int interestOps(int wanted);

    /** True while the layer holds bytes it took but has not sent: the side is not drained yet. */
    boolean holdsOutput();

    /** True while {@link #read} would return bytes without the socket becoming readable. */
    boolean holdsInput();

    /**
     * Called once the layer is done with: its socket closed, however the connection ended, or the layer
     * replaced or never started. Lets go of what the garbage collector does not free (a native TLS engine).
     */
    default void close() {}
}
