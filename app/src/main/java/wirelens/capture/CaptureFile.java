package wirelens.capture;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A Wirelens capture file opened for reading: its index plus random access to each chunk's bytes.
 * Either opened from disk with {@link #open} (reads block headers only, never the payloads), or handed
 * out by a running {@link Recorder} for the file it is writing. Thread-safe: reads are positional.
 */
public final class CaptureFile implements Closeable {
    private final Path path;
    private final FileChannel channel;
    private final CaptureIndex index;
    private final List<String> skipped;

    private CaptureFile(Path path, FileChannel channel, CaptureIndex index, List<String> skipped) {
        this.path = path;
        this.channel = channel;
        this.index = index;
        this.skipped = List.copyOf(skipped);
    }

    /**
     * Opens a capture and builds its index. A damaged tail (truncation, e.g. after {@code kill -9}) or a
     * damaged block is skipped and named in {@link #skipped()}; a file that is not a Wirelens pcapng at
     * all throws.
     *
     * @throws CaptureFormatException the file is not pcapng, not a Wirelens capture, or unreadable from the start
     * @throws IOException            the file cannot be opened or read (missing, no permission)
     */
    public static CaptureFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            PcapngScanner.Result result = PcapngScanner.scan(path, channel);
            return new CaptureFile(path, channel, result.index(), result.skipped());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** A reader over the file a recorder is writing; the recorder fills {@code index}. */
    static CaptureFile live(Path path, CaptureIndex index) throws IOException {
        return new CaptureFile(path, FileChannel.open(path, StandardOpenOption.READ), index, List.of());
    }

    public Path path() {
        return path;
    }

    public CaptureIndex index() {
        return index;
    }

    /** What opening had to skip, one sentence each (e.g. "the last 1234 bytes are a cut-off block"). */
    public List<String> skipped() {
        return skipped;
    }

    /** The bytes sent on for this chunk (empty when dropped). */
    public byte[] forwarded(ChunkInfo chunk) throws IOException {
        if (chunk.dropped() || chunk.forwardedLength() == 0) {
            return new byte[0];
        }
        return ChunkRecords.readForwarded(channel, path, chunk);
    }

    /**
     * The bytes sent on for this chunk, read into {@code reuse} when it is long enough (else into a new
     * array): only the first {@code forwardedLength} bytes of the result are the chunk's.
     */
    public byte[] forwarded(ChunkInfo chunk, byte[] reuse) throws IOException {
        if (chunk.dropped() || chunk.forwardedLength() == 0) {
            return reuse;
        }
        byte[] out = reuse.length >= chunk.forwardedLength() ? reuse : new byte[chunk.forwardedLength()];
        return ChunkRecords.readForwarded(channel, path, chunk, out);
    }

    /** The bytes as read from the sender (same as {@link #forwarded} unless edited or dropped). */
    public byte[] original(ChunkInfo chunk) throws IOException {
        if (!chunk.edited() && !chunk.dropped()) {
            return forwarded(chunk);
        }
        if (chunk.originalLength() == 0) {
            return new byte[0];
        }
        return ChunkRecords.readOriginal(channel, path, chunk);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
