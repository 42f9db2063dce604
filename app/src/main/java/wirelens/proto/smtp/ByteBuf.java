package wirelens.proto.smtp;

import java.util.Arrays;

/** Bytes received but not yet consumed by a decoder, with a remembered line-end search position. */
final class ByteBuf {
    private byte[] bytes = new byte[512];
    private int start;
    private int end;
    /** Bytes before start + scanned are known to hold no '\n'. */
    private int scanned;

    void append(byte[] src, int off, int len) {
        if (end + len > bytes.length) {
            int size = size();
            if (size + len <= bytes.length / 2) {
                System.arraycopy(bytes, start, bytes, 0, size);
            } else {
                byte[] bigger = new byte[Math.max(bytes.length * 2, size + len)];
                System.arraycopy(bytes, start, bigger, 0, size);
                bytes = bigger;
            }
            start = 0;
            end = size;
        }
        System.arraycopy(src, off, bytes, end, len);
        end += len;
    }

    int size() {
        return end - start;
    }

    byte get(int i) {
        return bytes[start + i];
    }

    /** Index (relative to the start) of the first '\n', or -1. */
    int indexOfLineFeed() {
        for (int i = start + scanned; i < end; i++) {
            if (bytes[i] == '\n') {
                scanned = i - start;
                return scanned;
            }
        }
        scanned = size();
        return -1;
    }

    byte[] take(int n) {
        byte[] out = Arrays.copyOfRange(bytes, start, start + n);
        skip(n);
        return out;
    }

    void skip(int n) {
        start += n;
        scanned = 0;
        if (start == end) {
            start = 0;
            end = 0;
        }
    }
}
