package wirelens.capture;

import java.util.Arrays;
import wirelens.engine.Direction;

/**
 * The chunks of one connection, packed: each chunk is a flag byte and variable-length deltas (time and
 * file offset against the previous chunk, the forwarded length, the original length only when it
 * differs), about 8 to 12 bytes a chunk, where plain columns took 25 plus their growth slack. Every
 * {@value #STEP}th chunk's decoding state is kept aside so that reading chunk {@code i} decodes at most
 * {@value #STEP} chunks, and a cursor makes reading in order (what every view does) cost one decode per
 * chunk. File offsets are opaque longs: any value, delta-coded with wrap-around. Not thread-safe: the
 * {@link CaptureIndex} guards it.
 */
final class ChunkTable {
    /** Chunks between two saved decoding states. */
    static final int STEP = 32;
    private static final int C2S = 1, EDITED = 2, DROPPED = 4, INJECTED = 8, ORIGINAL_DIFFERS = 16, NOT_IN_FILE = 32;
    private static final byte[] NO_BYTES = {};
    private static final int[] NO_INTS = {};
    private static final long[] NO_LONGS = {};

    private int size;
    // empty until the first chunk: a run without chunk recording (headless, no capture file) has none
    private byte[] data = NO_BYTES;
    private int length;
    /** The previous chunk's time and offset, for the next delta. */
    private long lastTime;
    private long lastOffset;
    /**
     * Where chunk {@code (k + 1) * STEP} starts in {@link #data}, and the time and offset before it (the
     * first step starts at 0 with 0s): a connection of fewer chunks, as most are, needs none.
     */
    private int[] stepAt = NO_INTS;
    private long[] stepTime = NO_LONGS;
    private long[] stepOffset = NO_LONGS;
    /** The chunk decoded last and the decoding state after it; -1 when there is none. */
    private int cursorIndex = -1;
    private int cursorAt;
    private long cursorTime;
    private long cursorOffset;

    int size() {
        return size;
    }

    void add(Direction direction, long time, int originalLength, int forwardedLength, boolean edited,
            boolean dropped, boolean injected, long offset) {
        if (size % STEP == 0 && size > 0) {
            int k = size / STEP - 1;
            if (k == stepAt.length) {
                int n = Math.max(1, k * 2);
                stepAt = Arrays.copyOf(stepAt, n);
                stepTime = Arrays.copyOf(stepTime, n);
                stepOffset = Arrays.copyOf(stepOffset, n);
            }
            stepAt[k] = length;
            stepTime[k] = lastTime;
            stepOffset[k] = lastOffset;
        }
        // at most: flag, two 10-byte longs, two 5-byte ints
        ensureRoom(31);
        boolean inFile = offset >= 0;
        int flags = (direction == Direction.CLIENT_TO_SERVER ? C2S : 0) | (edited ? EDITED : 0)
                | (dropped ? DROPPED : 0) | (injected ? INJECTED : 0)
                | (originalLength != forwardedLength ? ORIGINAL_DIFFERS : 0) | (inFile ? 0 : NOT_IN_FILE);
        data[length++] = (byte) flags;
        putLong(zigzag(time - lastTime));
        putLong(forwardedLength & 0xFFFFFFFFL);
        if (originalLength != forwardedLength) {
            putLong(originalLength & 0xFFFFFFFFL);
        }
        if (inFile) {
            putLong(zigzag(offset - lastOffset));
            lastOffset = offset;
        }
        lastTime = time;
        size++;
    }

    /** Chunk {@code i} (0 .. size-1) of connection {@code connectionId}. */
    ChunkInfo get(long connectionId, int i) {
        if (cursorIndex < 0 || i <= cursorIndex || (i / STEP) * STEP > cursorIndex + 1) {
            int k = i / STEP;
            cursorAt = k == 0 ? 0 : stepAt[k - 1];
            cursorTime = k == 0 ? 0 : stepTime[k - 1];
            cursorOffset = k == 0 ? 0 : stepOffset[k - 1];
            cursorIndex = k * STEP - 1;
        }
        ChunkInfo chunk = null;
        while (cursorIndex < i) {
            chunk = decodeNext(connectionId);
        }
        return chunk;
    }

    /** Gives back the room kept for growth: a connection that ended takes no more chunks. */
    void trim() {
        data = length == 0 ? NO_BYTES : Arrays.copyOf(data, length);
        int steps = size == 0 ? 0 : (size - 1) / STEP;
        if (steps < stepAt.length) {
            stepAt = steps == 0 ? NO_INTS : Arrays.copyOf(stepAt, steps);
            stepTime = steps == 0 ? NO_LONGS : Arrays.copyOf(stepTime, steps);
            stepOffset = steps == 0 ? NO_LONGS : Arrays.copyOf(stepOffset, steps);
        }
    }

    /** Heap bytes this table holds in its arrays (for tests and benchmarks). */
    long arrayBytes() {
        return data.length + 4L * stepAt.length + 8L * stepTime.length + 8L * stepOffset.length;
    }

    private ChunkInfo decodeNext(long connectionId) {
        int flags = data[cursorAt++];
        long time = cursorTime + unzigzag(getLong());
        int forwarded = (int) getLong();
        int original = (flags & ORIGINAL_DIFFERS) != 0 ? (int) getLong() : forwarded;
        long offset = -1;
        if ((flags & NOT_IN_FILE) == 0) {
            offset = cursorOffset + unzigzag(getLong());
            cursorOffset = offset;
        }
        cursorTime = time;
        cursorIndex++;
        return new ChunkInfo(connectionId, cursorIndex,
                (flags & C2S) != 0 ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT, time, original,
                forwarded, (flags & EDITED) != 0, (flags & DROPPED) != 0, (flags & INJECTED) != 0, offset);
    }

    private void ensureRoom(int bytes) {
        if (length + bytes > data.length) {
            data = Arrays.copyOf(data, Math.max(32, data.length + (data.length >> 1) + bytes));
        }
    }

    private void putLong(long v) {
        while ((v & ~0x7FL) != 0) {
            data[length++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        data[length++] = (byte) v;
    }

    private long getLong() {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = data[cursorAt++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
