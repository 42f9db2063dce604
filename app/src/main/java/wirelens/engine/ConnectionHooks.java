package wirelens.engine;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import wirelens.proto.http.MessageHead;

/**
 * The hooks at work on one {@link Connection}'s bytes, and how what they did is recorded: the
 * {@link ChunkHook} chain on each chunk read and the chunks it holds until the user releases them, the
 * bytes the user injects, and the {@link MessageHook}'s breakpoints on HTTP messages. While a message hook
 * watches, a read is recorded only after the session handled it ({@link PendingReads}), so that a message
 * held at a breakpoint is recorded as it went on.
 *
 * <p>A connection makes one the first time a hook has something to do with its bytes, and lets it go once
 * no hook is on and it holds nothing: a read with no hook on never comes here.
 */
final class ConnectionHooks {
    private static final byte[] EMPTY = new byte[0];

    private final Connection connection;
    private final SelectorLoop loop;
    /** Per direction, the chunk a chunk hook holds until the user releases it; null: none. */
    private final byte[][] held = new byte[2][];
    /** Messages the session holds at breakpoints now (the user deciding is not idleness). */
    private int heldMessages;
    /** Reads not recorded yet while a message hook watches, or a hold runs; null otherwise. */
    private PendingReads pending;

    ConnectionHooks(Connection connection, SelectorLoop loop) {
        this.connection = connection;
        this.loop = loop;
    }

    /** Whether the loop's message hook wants reads recorded once the session has handled them. */
    static boolean messageHookOn(SelectorLoop loop) {
        MessageHook hook = loop.messageHook();
        return hook != null && hook.active();
    }

    /** Whether reads wait to be recorded until the session has handled them (see {@link PendingReads}). */
    boolean watchesMessages() {
        return messageHookOn(loop) || pending != null && pending.holdsAny();
    }

    /**
     * No hook is on and no recording is held: records the reads still waiting, and says whether anything
     * is left here (false: the connection may let this go).
     */
    boolean stillNeeded() {
        if (pending != null) {
            pending.flushAll(); // nothing is held: each handled event recorded what was
            pending = null;
        }
        return held[0] != null || held[1] != null || heldMessages > 0;
    }

    /** Runs the hook chain on a chunk read from {@code from}, then records and forwards it. */
    void deliver(Side from, long chunk, byte[] original, List<ChunkHook> hooks) {
        Connection c = connection;
        ChunkHook.ChunkContext context = new ChunkHook.ChunkContext(c.id, c.listenerId, c.listener, from.from(), chunk);
        ChunkHook.Verdict verdict = ChunkHook.runAll(hooks, context, original, (hook, x) -> loop.emit(
                new EngineEvent.Notice(c.id, EpochClock.nowNanos(),
                        "hook " + hook.getClass().getSimpleName() + " failed and was bypassed: " + x)));
        if (verdict instanceof ChunkHook.Verdict.Forward f) {
            forwardDecided(from, original, f.bytes());
        } else if (verdict instanceof ChunkHook.Verdict.Drop) {
            forwardDecided(from, original, null);
        } else {
            held[from.from().ordinal()] = original;
        }
    }

    private void forwardDecided(Side from, byte[] original, byte[] forwarded) {
        if (forwarded != null && forwarded != original && Arrays.equals(forwarded, original)) {
            forwarded = original;
        }
        if (watchesMessages()) {
            pending().read(from, original, forwarded, EpochClock.nowNanos());
        } else if (loop.options().recordChunks() || forwarded != original) {
            loop.emit(new EngineEvent.Chunk(connection.id, from.from(), EpochClock.nowNanos(), original, forwarded));
        }
        if (forwarded != null && forwarded.length > 0) {
            connection.forward(from, new SessionEvent.Received(from, ByteBuffer.wrap(forwarded)), forwarded.length);
        } else if (pending != null) {
            pending.flush();
        }
    }

    private PendingReads pending() {
        if (pending == null) {
            pending = new PendingReads(connection.id, this::record);
        }
        return pending;
    }

    /** Emits an event of {@link PendingReads}; a chunk as read only when chunks are recorded, as {@link #forwardDecided}. */
    private void record(EngineEvent event) {
        if (!(event instanceof EngineEvent.Chunk c) || loop.options().recordChunks() || c.edited()) {
            loop.emit(event);
        }
    }

    /** True while a chunk hook holds a chunk going {@code direction}: that side is not read meanwhile. */
    boolean holds(Direction direction) {
        return held[direction.ordinal()] != null;
    }

    /** Lets the chunk held going {@code direction} go on as {@code forwarded} (null: dropped). */
    void release(Direction direction, byte[] forwarded) {
        byte[] original = held[direction.ordinal()];
        held[direction.ordinal()] = null;
        forwardDecided(Side.sending(direction), original, forwarded);
    }

    /** Records bytes the user injects going {@code direction}, before the session gets them. */
    void injected(Direction direction, byte[] data) {
        if (watchesMessages()) {
            pending().read(Side.sending(direction), EMPTY, data, EpochClock.nowNanos()); // the session reads them
        } else {
            loop.emit(new EngineEvent.Chunk(connection.id, direction, EpochClock.nowNanos(), EMPTY, data));
        }
    }

    /** The user deciding about a held chunk or message, which is not idleness. */
    boolean userDeciding() {
        return held[0] != null || held[1] != null || heldMessages > 0;
    }

    /** Bytes of the chunks held. */
    long heldBytes() {
        long n = 0;
        for (byte[] h : held) {
            n += h == null ? 0 : h.length;
        }
        return n;
    }

    /** {@code from} ended; false when reads are recorded as they come, so the end is not kept here. */
    boolean halfClosed(Side from, long timeNanos) {
        if (pending == null) {
            return false;
        }
        pending.halfClosed(from, timeNanos); // after bytes read before it and held
        return true;
    }

    /** Records what the session has handled and no hold keeps back. */
    void flush() {
        if (pending != null) {
            pending.flush();
        }
    }

    /** The connection ends: held chunks are dropped, and whatever a hold kept is recorded as read: nothing is lost. */
    void end() {
        held[0] = held[1] = null;
        if (pending != null) {
            pending.flushAll();
        }
    }

    // ---- HTTP messages held at breakpoints ----------------------------------------------------

    /** See {@link SessionOutput#breakpoint}. */
    MessageHook.MessageContext breakpoint(String url, TunnelOrigin tunnel, MessageHead request, MessageHead response) {
        MessageHook hook = loop.messageHook();
        if (hook == null || pending == null || !pending.holding(response == null ? Side.CLIENT : Side.TARGET)) {
            return null; // the message's bytes are recorded already: it could not be recorded as it goes on
        }
        MessageHook.MessageContext context = new MessageHook.MessageContext(connection.id, connection.listener, url,
                request, response, tunnel);
        try {
            return hook.wants(context) ? context : null;
        } catch (RuntimeException | LinkageError x) {
            connection.notice("breakpoint hook failed and was bypassed: " + x);
            return null;
        }
    }

    /** See {@link SessionOutput#holdMessage}. */
    void holdMessage(MessageHook.HeldMessage message) {
        MessageHook hook = loop.messageHook();
        heldMessages++;
        if (hook != null) {
            try {
                hook.held(message);
                return;
            } catch (RuntimeException | LinkageError x) {
                connection.notice("breakpoint hook failed and was bypassed: " + x);
            }
        }
        // breakpoints were turned off meanwhile: the message goes on as it came, after this call returns
        loop.execute(() -> connection.resumeMessage(message.id(), new MessageHook.Verdict.Continue(null)));
    }

    /** A held message is to go on: the session is told next. */
    void messageResumed() {
        heldMessages = Math.max(0, heldMessages - 1);
    }

    /** See {@link SessionOutput#holdRecording}. */
    void holdRecording(Side from, long lastBytes) {
        if (pending != null) {
            pending.hold(from, lastBytes);
        }
    }

    /** See {@link SessionOutput#releaseRecording(Side)}. */
    void releaseRecording(Side from) {
        if (pending != null) {
            pending.release(from);
        }
    }

    /** See {@link SessionOutput#releaseRecording(Side, long)} and {@link SessionOutput#releaseRecording(Side, long, byte[])}. */
    void releaseRecording(Side from, long length, byte[] forwarded, boolean unchanged) {
        if (pending != null) {
            pending.releaseMessage(from, length, forwarded, unchanged, EpochClock.nowNanos());
        }
    }
}
