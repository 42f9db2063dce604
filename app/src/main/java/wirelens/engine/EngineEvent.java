package wirelens.engine;

import java.net.InetSocketAddress;

/**
 * Everything the engine reports. Events of one connection are published in order: {@link Opened},
 * then any number of {@link Chunk}, {@link TargetConnected} and {@link HalfClosed}, then exactly one
 * of {@link Closed} or {@link Failed}. Times are wall-clock nanoseconds since the epoch
 * ({@link EpochClock}).
 */
public sealed interface EngineEvent {

    /** Approximate heap bytes this event holds, for the queue's budget. */
    default int weight() {
        return 64;
    }

    record ListenerStarted(int listenerId, ListenerConfig config, InetSocketAddress bound) implements EngineEvent {}

    record ListenerFailed(int listenerId, ListenerConfig config, String message) implements EngineEvent {}

    record ListenerStopped(int listenerId, ListenerConfig config) implements EngineEvent {}

    /**
     * A client was accepted. {@code target} is where the engine connects (for an HTTP proxy the
     * listener's own address until a request names an origin).
     */
    record Opened(long connectionId, int listenerId, ListenerConfig listener, InetSocketAddress client,
            InetSocketAddress target, long timeNanos) implements EngineEvent {}

    /** The upstream connection is established; {@code target} is the resolved peer address. */
    record TargetConnected(long connectionId, InetSocketAddress target, long timeNanos) implements EngineEvent {}

    /**
     * Bytes read from one side. {@code forwarded} is what was sent on: the same array as
     * {@code original} when nothing changed it, other bytes when a rule or the user edited it, and
     * {@code null} when the chunk was dropped. Injected chunks have an empty {@code original}.
     */
    record Chunk(long connectionId, Direction direction, long timeNanos, byte[] original, byte[] forwarded)
            implements EngineEvent {
        public boolean edited() {
            return forwarded != original;
        }

        public boolean dropped() {
            return forwarded == null;
        }

        @Override
        public int weight() {
            int w = 64 + original.length;
            return forwarded == null || forwarded == original ? w : w + forwarded.length;
        }
    }

    /** The sender of {@code direction} finished sending (EOF); the other direction may go on. */
    record HalfClosed(long connectionId, Direction direction, long timeNanos) implements EngineEvent {}

    /** The connection ended normally (both sides finished, or one side reset after data). */
    record Closed(long connectionId, long timeNanos, long bytesClientToServer, long bytesServerToClient,
            boolean reset) implements EngineEvent {}

    /** Something the user should hear about that is not the end of a connection (0 = no connection). */
    record Notice(long connectionId, long timeNanos, String message) implements EngineEvent {}

    /** The connection ended in an error, e.g. the target refused or timed out. */
    record Failed(long connectionId, long timeNanos, String message, long bytesClientToServer,
            long bytesServerToClient) implements EngineEvent {}
}
