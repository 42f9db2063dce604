package wirelens.engine;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The bytes of one chunk, as the engine hands them to whoever records its events: either a heap
 * array, or — for a large read while recording — the engine's own read buffer, lent until
 * {@link #release()}. Lending means a recorded chunk costs the selector thread no copy and the heap no
 * garbage: the capture writer writes the bytes to the file straight from the buffer the socket read
 * them into, then gives the buffer back.
 *
 * <p>A payload is used by the one thread that consumes the engine's events. {@link #bytes()} copies a
 * lent buffer out once (the array is kept), so a consumer that needs an array may ask for it, but only
 * before {@link #release()}.
 */
public final class Payload {
    private final int length;
    private final ByteBuffer lent;
    private final Consumer<ByteBuffer> giveBack;
    private byte[] array;
    private boolean released;

    private Payload(byte[] array, ByteBuffer lent, int length, Consumer<ByteBuffer> giveBack) {
        this.array = array;
        this.lent = lent;
        this.length = length;
        this.giveBack = giveBack;
    }

    /** Bytes in a heap array (kept, not copied). */
    public static Payload of(byte[] bytes) {
        return new Payload(Objects.requireNonNull(bytes), null, bytes.length, null);
    }

    /**
     * The first {@code length} bytes of {@code buffer}, lent: {@code giveBack} gets the buffer on
     * {@link #release()}; until then nobody else may write to it.
     */
    static Payload lend(ByteBuffer buffer, int length, Consumer<ByteBuffer> giveBack) {
        return new Payload(null, buffer, length, Objects.requireNonNull(giveBack));
    }

    public int length() {
        return length;
    }

    /** Whether the bytes sit in a lent buffer rather than on the heap. */
    public boolean isLent() {
        return lent != null;
    }

    /** The bytes as an array; for a lent buffer a copy, made once. */
    public byte[] bytes() {
        if (array == null) {
            checkNotReleased();
            byte[] copy = new byte[length];
            lent.get(0, copy);
            array = copy;
        }
        return array;
    }

    /**
     * A view of the bytes, positioned at 0 with {@code length} remaining; for reading only. (Not an
     * {@code asReadOnlyBuffer()}: a second buffer class on the file-write path costs the JIT
     * recompilations, and the view never leaves the capture writer.)
     */
    public ByteBuffer buffer() {
        if (lent == null || array != null && released) {
            return ByteBuffer.wrap(array);
        }
        checkNotReleased();
        return lent.duplicate().position(0).limit(length);
    }

    /** What this payload holds in memory, for the event queue's budget: the whole lent buffer. */
    public int weight() {
        return lent == null ? length : lent.capacity();
    }

    /** Gives a lent buffer back to the engine; {@link #bytes()} still works if it was copied before. */
    public void release() {
        if (lent != null && !released) {
            released = true;
            giveBack.accept(lent);
        }
    }

    private void checkNotReleased() {
        if (released) {
            throw new IllegalStateException("the chunk's buffer was already given back to the engine");
        }
    }
}
