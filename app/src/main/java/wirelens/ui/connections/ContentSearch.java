package wirelens.ui.connections;

import java.io.IOException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import wirelens.capture.CaptureFile;
import wirelens.capture.CaptureIndex;
import wirelens.capture.ChunkInfo;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.Direction;

/**
 * Finds the connections whose captured bytes contain a pattern, reading them back from the capture
 * file (run it off the FX thread). A match may straddle chunks of the same direction.
 */
final class ContentSearch {
    private ContentSearch() {}

    /** Parses "0d0a", "0d 0a" or "0D:0A" as bytes; throws IllegalArgumentException with a user message. */
    static byte[] parseHex(String text) {
        String digits = text.replaceAll("[\\s:,-]", "");
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            digits = digits.substring(2);
        }
        if (digits.isEmpty() || digits.length() % 2 != 0 || !digits.matches("[0-9a-fA-F]+")) {
            throw new IllegalArgumentException("\u201c" + text + "\u201d is not hex bytes (e.g. 0d0a or 48 45 4c)");
        }
        return HexFormat.of().parseHex(digits);
    }

    /** Ids of the connections (among {@code connections}) with {@code needle} in either direction. */
    static Set<Long> find(CaptureIndex index, CaptureFile file, List<ConnectionInfo> connections, byte[] needle,
            java.util.function.BooleanSupplier cancelled) throws IOException {
        Set<Long> found = new HashSet<>();
        for (ConnectionInfo c : connections) {
            if (cancelled.getAsBoolean()) {
                break;
            }
            if (contains(index, file, c.id(), needle, cancelled)) {
                found.add(c.id());
            }
        }
        return found;
    }

    static boolean contains(CaptureIndex index, CaptureFile file, long id, byte[] needle,
            java.util.function.BooleanSupplier cancelled) throws IOException {
        byte[][] tails = {new byte[0], new byte[0]};
        int count = index.chunkCount(id);
        for (int from = 0; from < count; from += 1024) {
            if (cancelled.getAsBoolean()) {
                return false;
            }
            for (ChunkInfo chunk : index.chunks(id, from, 1024)) {
                if (chunk.dropped() || !chunk.inFile() || !file.holds(chunk)) {
                    continue;
                }
                int d = chunk.direction() == Direction.CLIENT_TO_SERVER ? 0 : 1;
                byte[] bytes = file.forwarded(chunk);
                byte[] tail = tails[d];
                byte[] hay = new byte[tail.length + bytes.length];
                System.arraycopy(tail, 0, hay, 0, tail.length);
                System.arraycopy(bytes, 0, hay, tail.length, bytes.length);
                if (indexOf(hay, needle) >= 0) {
                    return true;
                }
                int keep = Math.min(hay.length, needle.length - 1);
                tails[d] = java.util.Arrays.copyOfRange(hay, hay.length - keep, hay.length);
            }
        }
        return false;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        if (needle.length == 0) {
            return 0;
        }
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
