package wirelens.proto.http;

import java.util.ArrayList;
import java.util.List;

/** A {@link ByteSource} that keeps appended bytes in memory, in pieces (never one huge array). */
public final class MemoryByteSource implements ByteSource {
    private static final int PIECE = 64 * 1024;
    private final List<byte[]> pieces = new ArrayList<>();
    private long size;

    public synchronized void append(byte[] data, int off, int len) {
        while (len > 0) {
            int used = (int) (size % PIECE);
            if (used == 0) {
                pieces.add(new byte[PIECE]);
            }
            int n = Math.min(len, PIECE - used);
            System.arraycopy(data, off, pieces.get(pieces.size() - 1), used, n);
            off += n;
            len -= n;
            size += n;
        }
    }

    public void append(byte[] data) {
        append(data, 0, data.length);
    }

    public synchronized long size() {
        return size;
    }

    @Override
    public synchronized int read(long position, byte[] dst, int offset, int length) {
        int copied = 0;
        while (copied < length && position < size) {
            byte[] piece = pieces.get((int) (position / PIECE));
            int at = (int) (position % PIECE);
            int n = (int) Math.min(Math.min(length - copied, PIECE - at), size - position);
            System.arraycopy(piece, at, dst, offset + copied, n);
            copied += n;
            position += n;
        }
        return copied;
    }

    /** Everything appended so far as one array (tests). */
    public synchronized byte[] toByteArray() {
        byte[] all = new byte[(int) size];
        read(0, all, 0, all.length);
        return all;
    }

    @Override
    public String toString() {
        return "MemoryByteSource[" + size + " bytes in " + pieces.size() + " pieces]";
    }
}
