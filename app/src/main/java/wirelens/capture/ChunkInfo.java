package wirelens.capture;

import wirelens.engine.Direction;

/**
 * One recorded chunk: where and when, never the bytes. Read the bytes with
 * {@link CaptureFile#forwarded(ChunkInfo)} and {@link CaptureFile#original(ChunkInfo)}.
 *
 * @param connectionId    the connection it belongs to
 * @param index           position among the connection's chunks (both directions), from 0
 * @param direction       which way it travelled
 * @param timeNanos       when it was read, epoch nanoseconds
 * @param originalLength  bytes as read from the sender (0 for an injected chunk)
 * @param forwardedLength bytes as sent on (0 when dropped)
 * @param edited          forwarded bytes differ from the original ones (a rule or the user changed them)
 * @param dropped         nothing was forwarded
 * @param injected        no peer sent it; the user or a rule put it into the connection
 * @param fileOffset      offset of the chunk's record in the capture file, or -1 when it is not in a file
 */
public record ChunkInfo(
        long connectionId,
        int index,
        Direction direction,
        long timeNanos,
        int originalLength,
        int forwardedLength,
        boolean edited,
        boolean dropped,
        boolean injected,
        long fileOffset) {

    /** True when {@link CaptureFile} can read this chunk's bytes back. */
    public boolean inFile() {
        return fileOffset >= 0;
    }
}
