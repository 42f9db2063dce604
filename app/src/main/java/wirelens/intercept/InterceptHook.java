package wirelens.intercept;

import wirelens.engine.ChunkHook;

/**
 * Holds the chunks that match the intercept filter while intercept is on, putting them in the
 * {@link HoldQueue} for the user to edit, forward or drop. Put it last in the hook chain, after
 * the rules, so the user edits what would have been sent.
 */
public final class InterceptHook implements ChunkHook {
    private final HoldQueue queue;

    public InterceptHook(HoldQueue queue) {
        this.queue = queue;
    }

    public HoldQueue queue() {
        return queue;
    }

    @Override
    public Verdict onChunk(ChunkContext context, byte[] data) {
        return queue.holdIfMatching(context, data) ? Verdict.HOLD : Verdict.forward(data);
    }
}
