package wirelens.ui.stream;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import wirelens.capture.CaptureFile;
import wirelens.capture.ChunkGoneException;
import wirelens.capture.ChunkInfo;

/** Recently shown chunks' bytes, bounded in total size; read from the capture file on a miss. */
final class ChunkCache {
    private static final long BUDGET = 16L << 20;

    record Entry(byte[] bytes, String error, int[][] starts) {
        int[] lineStarts() {
            if (starts[0] == null) {
                starts[0] = StreamText.lineStarts(bytes);
            }
            return starts[0];
        }
    }

    private final CaptureFile file;
    private final Map<Integer, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long size;

    ChunkCache(CaptureFile file) {
        this.file = file;
    }

    Entry get(ChunkInfo info) {
        Entry e = entries.get(info.index());
        if (e != null) {
            return e;
        }
        byte[] bytes = null;
        String error = null;
        if (file == null) {
            error = "(this session is not recorded to a file: no bytes to show)";
        } else {
            try {
                bytes = info.dropped() ? file.original(info) : file.forwarded(info);
            } catch (ChunkGoneException ex) {
                error = "(" + ex.getMessage() + ")";
            } catch (IOException ex) {
                error = "(cannot read this chunk from the capture file: " + ex.getMessage() + ")";
            }
        }
        e = new Entry(bytes == null ? new byte[0] : bytes, error, new int[1][]);
        entries.put(info.index(), e);
        size += e.bytes.length;
        var it = entries.entrySet().iterator();
        while (size > BUDGET && entries.size() > 1 && it.hasNext()) {
            Entry old = it.next().getValue();
            size -= old.bytes.length;
            it.remove();
        }
        return e;
    }

    void clear() {
        entries.clear();
        size = 0;
    }

    /** The bytes a view shows for a chunk (originals of a dropped one), or null when unreadable. */
    static byte[] readDisplayBytes(CaptureFile file, ChunkInfo info) {
        if (file == null) {
            return null;
        }
        try {
            return info.dropped() ? file.original(info) : file.forwarded(info);
        } catch (IOException e) {
            return null;
        }
    }
}
