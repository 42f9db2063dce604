package wirelens.engine;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Direct buffers for bytes a peer has not taken yet and for reads lent to the capture, reused so that
 * neither a slow reader nor a recorded stream turns every read into fresh garbage. The selector
 * thread takes and gives back; a lent buffer comes back from the capture writer's thread through
 * {@link #giveBackFromAnyThread}. At most {@code limit} buffers are kept; beyond that, and for
 * requests larger than one buffer, plain heap buffers are handed out and left to the garbage collector.
 */
final class BufferPool {
    private final int bufferBytes;
    private final int limit;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<ByteBuffer> returned = new ConcurrentLinkedQueue<>();
    private int created;

    BufferPool(int bufferBytes, int limit) {
        this.bufferBytes = bufferBytes;
        this.limit = limit;
    }

    /** A cleared buffer with room for at least {@code bytes}. */
    ByteBuffer take(int bytes) {
        if (bytes <= bufferBytes) {
            ByteBuffer b = free.poll();
            if (b == null) {
                b = returned.poll();
            }
            if (b != null) {
                return b.clear();
            }
            if (created < limit) {
                created++;
                return ByteBuffer.allocateDirect(bufferBytes);
            }
        }
        return ByteBuffer.allocate(bytes);
    }

    /** A cleared direct buffer of the pool's size; a new one when none is free, even over the limit. */
    ByteBuffer takeDirect() {
        ByteBuffer b = take(bufferBytes);
        return b.isDirect() ? b : ByteBuffer.allocateDirect(bufferBytes);
    }

    void giveBack(ByteBuffer b) {
        if (b.isDirect() && b.capacity() == bufferBytes && free.size() < limit) {
            free.push(b);
        }
    }

    /** For a buffer coming back from another thread (a lent chunk the capture has written). */
    void giveBackFromAnyThread(ByteBuffer b) {
        if (b.isDirect() && b.capacity() == bufferBytes) {
            returned.add(b);
        }
    }
}
