package wirelens.ui.stream;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import wirelens.capture.CaptureFile;
import wirelens.capture.CaptureIndex;
import wirelens.capture.ChunkInfo;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.Side;
import wirelens.ui.base.Background;
import wirelens.ui.stream.StreamView.Mode;

/**
 * The line index of one stream view: for each chunk laid out so far, the first line it takes in the
 * text and in the hex view, where its bytes start in the whole stream (selection positions) and in its
 * direction (hex offsets). A few numbers per chunk: the view keeps no bytes, so a connection of any
 * size opens at once and memory stays flat. Counting a chunk's text lines means reading it back from
 * the capture file, which a background job does, one job in flight per view; the results are applied
 * on the FX thread at the next pulse. The first chunk recorded after the client's TLS handshake (at
 * the start, or after STARTTLS) has a second separator before its own, saying TLS began there.
 */
final class StreamLayout {
    private static final int JOB_CHUNKS = 4096;
    private static final long JOB_BYTES = 16L << 20;
    /** Reused by each background thread: reading a whole stream back makes no garbage. */
    private static final ThreadLocal<byte[]> LAYOUT_BUFFER = ThreadLocal.withInitial(() -> new byte[256 << 10]);

    /** Text line counts of chunks {@code from..}, computed by a layout job. */
    private record Piece(int from, int[] displayLengths, int[] textLines) {}

    private final long connectionId;
    private final CaptureIndex index;
    private final CaptureFile file;

    // FX thread only
    private int chunks;
    private long[] textFirst = new long[64];
    private long[] hexFirst = new long[64];
    private long[] directionOffset = new long[64];
    private long[] byteFirst = new long[64];
    private int[] lengths = new int[64];
    private long totalBytes;
    private long textLines;
    private long hexLines;
    private final long[] directionTotals = new long[2];
    private int requested;
    /** The chunk before which TLS began (-1: none yet), and the client leg's handshake that began it. */
    private int tlsChunk = -1;
    private EngineEvent.Tls tlsStart;

    private final AtomicBoolean jobRunning = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Piece> pieces = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    StreamLayout(long connectionId, CaptureIndex index, CaptureFile file) {
        this.connectionId = connectionId;
        this.index = index;
        this.file = file;
    }

    /** On the FX thread: takes in what finished jobs laid out. */
    void takeFinished() {
        Piece p;
        while ((p = pieces.poll()) != null) {
            apply(p);
        }
    }

    /** On the FX thread: starts laying out chunks the capture index has and the layout not yet. */
    void startJob() {
        if (closed || jobRunning.get()) {
            return;
        }
        int available = index.chunkCount(connectionId);
        if (available <= requested) {
            return;
        }
        int from = requested;
        int to = (int) Math.min(available, (long) from + JOB_CHUNKS);
        jobRunning.set(true);
        // jobRunning is cleared by apply() on the FX thread, so the next job starts where this one ended
        // and a view never has two jobs in flight
        Background.execute(() -> {
            Piece piece;
            try {
                piece = layout(from, to);
            } catch (RuntimeException e) {
                piece = new Piece(from, new int[0], new int[0]);
            }
            pieces.add(piece);
        });
    }

    /** Stops laying out (the view was closed). */
    void close() {
        closed = true;
    }

    // ---- queries (FX thread) -------------------------------------------------------------------

    /** Chunks laid out so far. */
    int chunks() {
        return chunks;
    }

    ChunkInfo chunk(int c) {
        return index.chunk(connectionId, c);
    }

    /** Bytes of all chunks laid out so far, both directions. */
    long totalBytes() {
        return totalBytes;
    }

    long directionTotal(Direction d) {
        return directionTotals[d == Direction.CLIENT_TO_SERVER ? 0 : 1];
    }

    /** How many bytes chunk {@code c} shows. */
    int length(int c) {
        return lengths[c];
    }

    /** Where chunk {@code c}'s bytes start in the whole stream. */
    long byteFirst(int c) {
        return byteFirst[c];
    }

    /** Where chunk {@code c}'s bytes start in its direction (the hex view's offsets). */
    long directionOffset(int c) {
        return directionOffset[c];
    }

    /** The first line of chunk {@code c} in that mode: its separator, or the TLS separator before it. */
    long firstLine(Mode mode, int c) {
        return first(mode)[c];
    }

    /** Separator lines before chunk {@code c}'s bytes: 2 where TLS began, else 1. */
    int headerLines(int c) {
        return c == tlsChunk ? 2 : 1;
    }

    /** The client leg's finished handshake, when chunk {@code c} is where TLS began; else null. */
    EngineEvent.Tls tlsStartingAt(int c) {
        return c == tlsChunk ? tlsStart : null;
    }

    int lineCount(Mode mode) {
        return (int) Math.min(Integer.MAX_VALUE - 8, mode == Mode.TEXT ? textLines : hexLines);
    }

    /** The chunk that line {@code line} belongs to, or -1. */
    int chunkAtLine(Mode mode, int line) {
        if (line < 0 || chunks == 0) {
            return -1;
        }
        int i = Arrays.binarySearch(first(mode), 0, chunks, line);
        return i >= 0 ? i : -i - 2;
    }

    /** The chunk holding stream position {@code p}: the last one starting at or before it (-1 if none). */
    int chunkAtPosition(long p) {
        int lo = 0;
        int hi = chunks - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (byteFirst[mid] <= p) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        // a position at the very end belongs to the last chunk with bytes
        while (found > 0 && p >= byteFirst[found] + lengths[found] && lengths[found] == 0) {
            found--;
        }
        return found;
    }

    static int displayLength(ChunkInfo c) {
        return c.dropped() ? c.originalLength() : c.forwardedLength();
    }

    private long[] first(Mode mode) {
        return mode == Mode.TEXT ? textFirst : hexFirst;
    }

    // ---- the job ---------------------------------------------------------------------------------

    /** On a background thread: display length and text line count of chunks {@code from..to} (may stop early). */
    private Piece layout(int from, int to) {
        List<ChunkInfo> infos = index.chunks(connectionId, from, to - from);
        int[] displayLengths = new int[infos.size()];
        int[] textLineCounts = new int[infos.size()];
        long read = 0;
        int n = 0;
        for (ChunkInfo c : infos) {
            if (closed || read > JOB_BYTES) {
                break;
            }
            displayLengths[n] = displayLength(c);
            textLineCounts[n] = textLineCount(c);
            read += displayLengths[n];
            n++;
        }
        return new Piece(from, Arrays.copyOf(displayLengths, n), Arrays.copyOf(textLineCounts, n));
    }

    /** On a background thread: how many text lines a chunk shows (1 for a chunk that cannot be read). */
    private int textLineCount(ChunkInfo c) {
        if (file == null) {
            return 1;
        }
        if (c.dropped()) {
            byte[] bytes = ChunkCache.readDisplayBytes(file, c);
            return bytes == null ? 1 : StreamText.lineCount(bytes);
        }
        try {
            byte[] bytes = file.forwarded(c, LAYOUT_BUFFER.get());
            if (bytes.length <= 4 << 20) {
                LAYOUT_BUFFER.set(bytes); // keep a grown buffer, within reason
            }
            return StreamText.lineCount(bytes, c.forwardedLength());
        } catch (IOException e) {
            return 1;
        }
    }

    private void apply(Piece p) {
        int n = p.displayLengths.length;
        ensureCapacity(chunks + n);
        if (tlsStart == null && n > 0) {
            tlsStart = clientHandshake();
        }
        for (int i = 0; i < n; i++) {
            int c = chunks;
            ChunkInfo info = index.chunk(connectionId, c);
            // the handshake's event is recorded before the first decrypted chunk, which was read after it
            if (tlsChunk < 0 && tlsStart != null && info.timeNanos() >= tlsStart.timeNanos()) {
                tlsChunk = c;
            }
            int length = p.displayLengths[i];
            lengths[c] = length;
            textFirst[c] = textLines;
            textLines += headerLines(c) + p.textLines[i];
            hexFirst[c] = hexLines;
            hexLines += headerLines(c) + StreamText.hexLineCount(length);
            int d = info.direction() == Direction.CLIENT_TO_SERVER ? 0 : 1;
            directionOffset[c] = directionTotals[d];
            directionTotals[d] += length;
            byteFirst[c] = totalBytes;
            totalBytes += length;
            chunks++;
        }
        requested = chunks; // a job that stopped early (byte limit) is continued from here
        jobRunning.set(false);
    }

    /** The client leg's finished handshake, or null (plain so far, passthrough, or failed). */
    private EngineEvent.Tls clientHandshake() {
        for (EngineEvent.Tls t : index.tls(connectionId)) {
            if (t.side() == Side.CLIENT && t.kind() == EngineEvent.Tls.Kind.HANDSHAKE_DONE) {
                return t;
            }
        }
        return null;
    }

    private void ensureCapacity(int n) {
        if (n > textFirst.length) {
            int size = Math.max(n, textFirst.length * 2);
            textFirst = Arrays.copyOf(textFirst, size);
            hexFirst = Arrays.copyOf(hexFirst, size);
            directionOffset = Arrays.copyOf(directionOffset, size);
            lengths = Arrays.copyOf(lengths, size);
            byteFirst = Arrays.copyOf(byteFirst, size);
        }
    }
}
