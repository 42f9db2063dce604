package wirelens.intercept;

import wirelens.engine.Direction;

/**
 * The extension point: a plugin sees every chunk before it is forwarded and may replace or drop it.
 *
 * <p>A plugin is a class with a public no-argument constructor, listed in its jar's
 * {@code META-INF/services/wirelens.intercept.ChunkPlugin}, loaded with {@code --plugin JAR}.
 * It runs on the engine's selector thread after the rules and before the intercept hold, so it
 * must be quick and must never block (no network, no disk, no sleeping). An exception thrown by it
 * is logged and the chunk goes on unchanged; it never closes the connection.
 */
public interface ChunkPlugin {

    /**
     * Decides what to send for one chunk.
     *
     * @param connectionId the connection, as in the capture
     * @param listener     the listener's name
     * @param direction    which way the chunk travels
     * @param data         the chunk (after the rules); do not modify it, return a new array instead
     * @return {@code data} itself to forward it unchanged, other bytes to send instead, or
     *     {@code null} to drop the chunk (the peer receives nothing of it)
     */
    byte[] onChunk(long connectionId, String listener, Direction direction, byte[] data);

    /** A name for logs. */
    default String name() {
        return getClass().getName();
    }
}
