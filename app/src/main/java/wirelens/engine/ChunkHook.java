package wirelens.engine;

import java.util.List;

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

    /**
     * Runs {@code hooks} in order on a chunk: each sees what the one before let through. The first Drop
     * or Hold ends the run; otherwise the result is a Forward of the last bytes. A hook that throws is
     * bypassed and {@code failed} is told which and why: a broken hook must not stop the traffic.
     */
    static Verdict runAll(List<ChunkHook> hooks, ChunkContext context, byte[] data,
            java.util.function.BiConsumer<ChunkHook, Throwable> failed) {
        byte[] current = data;
        for (ChunkHook hook : hooks) {
            Verdict verdict;
            try {
                verdict = hook.onChunk(context, current);
            } catch (RuntimeException | LinkageError x) {
                failed.accept(hook, x);
                continue;
            }
            if (verdict instanceof Verdict.Forward f) {
                current = f.bytes() == null ? current : f.bytes();
            } else {
                return verdict;
            }
        }
        return new Verdict.Forward(current);
    }
}
