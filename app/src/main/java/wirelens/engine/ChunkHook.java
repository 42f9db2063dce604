package wirelens.engine;

/**
 * Sees every chunk before it is forwarded and decides its fate. Hooks run in order on the selector
 * thread, so they must be quick and must never block; a hook that throws is reported and bypassed
 * (the chunk goes on as it was). A hook that returns {@link Verdict#HOLD} owns the chunk until it
 * calls {@link Engine#release}; meanwhile that direction of that connection stops reading, and the
 * other direction and every other connection flow on.
 */
@FunctionalInterface
public interface ChunkHook {

    Verdict onChunk(ChunkContext context, byte[] data);

    /** Where a chunk comes from. {@code sequence} counts chunks per connection and direction from 0. */
    record ChunkContext(long connectionId, int listenerId, ListenerConfig listener, Direction direction,
            long sequence) {}

    /** What to do with a chunk. */
    sealed interface Verdict {
        Verdict DROP = new Drop();
        Verdict HOLD = new Hold();

        static Verdict forward(byte[] bytes) {
            return new Forward(bytes);
        }

        /** Pass these bytes on (to the next hook, then to the peer). */
        record Forward(byte[] bytes) implements Verdict {}

        /** Send nothing; the capture keeps the original bytes. */
        record Drop() implements Verdict {}

        /** Keep the chunk until {@link Engine#release} is called. */
        record Hold() implements Verdict {}
    }
}
