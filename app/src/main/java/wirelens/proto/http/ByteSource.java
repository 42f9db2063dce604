package wirelens.proto.http;

import java.io.IOException;

/**
 * Random access to the bytes of one direction of one connection, by stream position (byte 0 is the
 * first byte that side sent). The capture implements it from its index (chunks with file offsets);
 * {@link MemoryByteSource} keeps the bytes in memory for live views without a file and for tests.
 */
@FunctionalInterface
public interface ByteSource {

    /**
     * Copies up to {@code length} bytes starting at {@code position} into {@code dst}; returns how many
     * were copied (fewer only at the end of what is known so far; 0 when nothing is there).
     */
    int read(long position, byte[] dst, int offset, int length) throws IOException;
}
