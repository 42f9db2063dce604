package wirelens.engine;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The forwarding engine. All methods are thread-safe: they hand a task to the selector thread and
 * return at once. Results arrive as {@link EngineEvent}s on the queue given at construction.
 */
public final class Engine implements AutoCloseable {

    /** A listener that is bound and accepting. */
    public record Bound(int listenerId, ListenerConfig config, InetSocketAddress address) {}

    public Engine(EventQueue events, EngineOptions options) {
        throw new UnsupportedOperationException("in progress");
    }

    /** Starts the selector thread. */
    public void start() {}

    /**
     * Binds a listener. The future fails with a {@link ListenerException} whose message is fit for a
     * user (e.g. "127.0.0.1:2626 is already in use").
     */
    public CompletableFuture<Bound> addListener(ListenerConfig config) {
        throw new UnsupportedOperationException();
    }

    /** Stops accepting on a listener; its open connections go on. */
    public CompletableFuture<Void> removeListener(int listenerId) {
        throw new UnsupportedOperationException();
    }

    /** Replaces the hook chain (applied to chunks read from now on). */
    public void setHooks(List<ChunkHook> hooks) {}

    /** Ends the hold of the oldest held chunk of that direction: forward {@code bytes}, or drop on null. */
    public void release(long connectionId, Direction direction, byte[] bytes) {}

    /** Sends bytes that no peer sent into a live connection (after anything already queued). */
    public void inject(long connectionId, Direction direction, byte[] bytes) {}

    /** Closes both sides of a connection at once. */
    public void closeConnection(long connectionId) {}

    /** Closes every listener and connection and stops the selector thread. */
    @Override
    public void close() {}
}
