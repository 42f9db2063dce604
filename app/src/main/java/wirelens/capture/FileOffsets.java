package wirelens.capture;

/**
 * Where a chunk is when a capture spans several files (a ring, or a set opened together): the file's
 * number in the high bits of a long, the offset within that file in the low 40. A single file is number
 * 0, so its positions are plain offsets; -1 still means "not in a file". Keeps {@link CaptureIndex}'s
 * offset array a plain {@code long[]}.
 */
final class FileOffsets {
    private static final int OFFSET_BITS = 40;
    private static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;
    /** File numbers fit in the 23 bits between the offset and the sign, which stays 0. */
    static final int MAX_FILE = (1 << 23) - 1;
    /** A file of the set may be up to 1 TiB long. */
    static final long MAX_OFFSET = OFFSET_MASK;

    private FileOffsets() {}

    /**
     * The position of {@code offset} in file {@code file}; -1 stays -1. Past what a position can say (1 TiB
     * into a file, or file 8,388,607) it is -1 too: such a chunk is indexed as not in a file, which the
     * views say, rather than stopping the writer.
     */
    static long of(int file, long offset) {
        if (offset < 0 || offset > MAX_OFFSET || file < 0 || file > MAX_FILE) {
            return -1;
        }
        return ((long) file << OFFSET_BITS) | offset;
    }

    static int file(long position) {
        return (int) (position >>> OFFSET_BITS);
    }

    static long offset(long position) {
        return position & OFFSET_MASK;
    }
}
