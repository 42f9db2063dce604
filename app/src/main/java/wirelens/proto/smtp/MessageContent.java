package wirelens.proto.smtp;

import java.io.ByteArrayOutputStream;

/**
 * The message a client is sending, by DATA or in BDAT chunks, as the server receives it: DATA's
 * dot-unstuffing and final dot, and how much of it is kept. Past the limit a message is counted but not
 * kept, or, for summaries, only its head is kept. One message at a time.
 */
final class MessageContent {
    // DATA content states, relative to the start of a line (RFC 5321 4.5.2, read as aiosmtpd does:
    // lines end with CRLF; a line starting with '.' loses that dot; the line ".\r\n" ends the message).
    private static final int LINE_START = 0;
    private static final int MID_LINE = 1;
    private static final int AFTER_CR = 2;
    private static final int DOT = 3;
    private static final int DOT_CR = 4;

    private static final byte[] CR = {'\r'};

    private final long limit;
    private final boolean keepHeads;
    private boolean open;
    /** Null while a message is open only when it grew past the limit. */
    private ByteArrayOutputStream kept;
    private long size;
    /** Where DATA content is relative to line starts, for dot-unstuffing. */
    private int dotState;

    /** @param keepHeads keep the first {@code limit} bytes of a larger message instead of none */
    MessageContent(long limit, boolean keepHeads) {
        this.limit = limit;
        this.keepHeads = keepHeads;
    }

    long limit() {
        return limit;
    }

    boolean isOpen() {
        return open;
    }

    /** The bytes received so far, kept or not. */
    long size() {
        return size;
    }

    /** Starts a message, forgetting any that was open; its content begins at a line start. */
    void open() {
        open = true;
        kept = new ByteArrayOutputStream();
        size = 0;
        dotState = LINE_START;
    }

    /** Adds bytes of the message as received (a BDAT chunk's, or DATA's after unstuffing). */
    void keep(byte[] b, int off, int len) {
        if (kept != null && size + len > limit) {
            if (keepHeads) { // the head is what a summary reads
                kept.write(b, off, (int) Math.max(0, limit - size));
                size += len;
                return;
            }
            kept = null; // too large: go on counting, keep nothing
        }
        if (kept != null) {
            kept.write(b, off, len);
        }
        size += len;
    }

    /**
     * Reads DATA content from {@code in[0, n)}, unstuffing dots; returns where the bytes after the final
     * ".\r\n" start, or -1 when all of them were content.
     */
    int readData(byte[] in, int n) {
        int runStart = 0;
        for (int i = 0; i < n; i++) {
            byte b = in[i];
            switch (dotState) {
                case LINE_START -> {
                    if (b == '.') {
                        keep(in, runStart, i - runStart);
                        runStart = i + 1;
                        dotState = DOT;
                    } else {
                        dotState = b == '\r' ? AFTER_CR : MID_LINE;
                    }
                }
                case MID_LINE -> dotState = b == '\r' ? AFTER_CR : MID_LINE;
                case AFTER_CR -> dotState = b == '\n' ? LINE_START : b == '\r' ? AFTER_CR : MID_LINE;
                case DOT -> {
                    // The dot was stuffing (dropped). Held nothing; this byte starts the real line.
                    if (b == '\r') {
                        runStart = i + 1;
                        dotState = DOT_CR;
                    } else {
                        dotState = MID_LINE;
                    }
                }
                case DOT_CR -> {
                    if (b == '\n') {
                        return i + 1;
                    }
                    // ".\r" then something else: the dot was stuffing, the CR is content.
                    keep(CR, 0, 1);
                    runStart = i;
                    dotState = b == '\r' ? AFTER_CR : MID_LINE;
                }
                default -> throw new IllegalStateException();
            }
        }
        keep(in, runStart, n - runStart);
        return -1;
    }

    /** Ends the message; returns its kept bytes, or null when it was too large to keep. */
    byte[] finish() {
        byte[] bytes = kept == null ? null : kept.toByteArray();
        kept = null;
        open = false;
        size = 0;
        return bytes;
    }
}
