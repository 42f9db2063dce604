package wirelens.engine;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers for bytes a peer has not taken yet, reused so that a slow reader does not turn
 * every partial write into fresh garbage. Only the selector thread uses it. At most {@code limit}
 * buffers are kept; beyond that, and for requests larger than one buffer, plain heap buffers are
 * handed out and left to the garbage collector.
 */
final class BufferPool {
    private final int bufferBytes;
    private final int limit;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private int created;

    BufferPool(int bufferBytes, int limit) {
        this.bufferBytes = bufferBytes;
        this.limit = limit;
    }

    /** A cleared buffer with room for at least {@code bytes}. */
    ByteBuffer take(int bytes) {
        if (bytes <= bufferBytes) {
            ByteBuffer b = free.poll();
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

    void giveBack(ByteBuffer b) {
        if (b.isDirect() && b.capacity() == bufferBytes) {
            free.push(b);
        }
    }
}
