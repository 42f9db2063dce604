package wirelens.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import wirelens.engine.Direction;

/**
 * A chunk in the file: either a chunk record block (edited or dropped chunks, with the original bytes)
 * followed by its packets, or — for a chunk forwarded unchanged — its packets alone, the first carrying
 * the chunk's fields as a custom option. Reads a chunk's bytes back from there.
 */
final class ChunkRecords {
    private ChunkRecords() {}

    /** The fixed fields of a chunk record, wherever they are stored. */
    record Fields(long connectionId, Direction direction, int flags, long timeNanos, int forwardedLength,
            int originalLength, int segments) {

        /**
         * Parses the fields whose PEN starts at {@code penAt}; null when they are not a Wirelens chunk,
         * {@link IllegalArgumentException} when they are but do not add up.
         */
        static Fields parse(ByteBuffer b, int penAt) {
            ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            if (le.getInt(penAt) != Format.PEN || le.get(penAt + 4) != Format.MAGIC_0
                    || le.get(penAt + 5) != Format.MAGIC_1 || le.get(penAt + 6) != Format.REC_CHUNK) {
                return null;
            }
            int dir = le.get(penAt + 16);
            int flags = le.get(penAt + 17) & 0xFF;
            Fields f = new Fields(le.getLong(penAt + 8),
                    dir == 0 ? Direction.CLIENT_TO_SERVER : dir == 1 ? Direction.SERVER_TO_CLIENT : null, flags,
                    le.getLong(penAt + 20), le.getInt(penAt + 28), le.getInt(penAt + 32), le.getInt(penAt + 36));
            boolean dropped = (flags & Format.FLAG_DROPPED) != 0;
            if (f.direction == null || flags > 7 || f.forwardedLength < 0 || f.originalLength < 0
                    || (dropped && f.forwardedLength != 0)
                    || f.segments != (f.forwardedLength + Format.MAX_SEGMENT - 1) / Format.MAX_SEGMENT) {
                throw new IllegalArgumentException("inconsistent chunk fields");
            }
            return f;
        }

        boolean edited() {
            return (flags & Format.FLAG_EDITED) != 0;
        }

        boolean dropped() {
            return (flags & Format.FLAG_DROPPED) != 0;
        }

        boolean injected() {
            return (flags & Format.FLAG_INJECTED) != 0;
        }
    }

    /** Where the chunk option starts in an EPB with {@code capLen} packet bytes. */
    static int optionAt(long capLen) {
        return 28 + Format.pad4((int) capLen);
    }

    static byte[] readForwarded(FileChannel channel, Path path, ChunkInfo chunk) throws IOException {
        return readForwarded(channel, path, chunk, new byte[chunk.forwardedLength()]);
    }

    /**
     * Reads the forwarded bytes into {@code out} (at least {@code forwardedLength} long) and returns it.
     * Payloads go straight from the file into {@code out}: a view that reads a whole stream back (the
     * window's line layout) makes no garbage per chunk.
     */
    static byte[] readForwarded(FileChannel channel, Path path, ChunkInfo chunk, byte[] out) throws IOException {
        checkInFile(chunk);
        long at = FileOffsets.offset(chunk.fileOffset());
        int type = read(channel, path, at, 8, chunk).getInt(0);
        Fields fields;
        if (type == Format.CUSTOM_BLOCK) {
            ByteBuffer h = read(channel, path, at, Format.CHUNK_ORIGINAL_AT, chunk);
            fields = fields(h, 8, path, chunk);
            at += h.getInt(4) & 0xFFFFFFFFL;
        } else if (type == Format.EPB) {
            ByteBuffer head = read(channel, path, at, 28, chunk);
            long epbLen = head.getInt(4) & 0xFFFFFFFFL;
            long capLen = head.getInt(20) & 0xFFFFFFFFL;
            long optionsLen = epbLen - 4 - optionAt(capLen);
            if (capLen > Format.MAX_SEGMENT + 60 || optionsLen < 4 + Format.CHUNK_FIELDS_LENGTH || optionsLen > 4096) {
                throw damaged(path, chunk, "its first packet has a bad length");
            }
            ByteBuffer opts = read(channel, path, at + optionAt(capLen), (int) optionsLen, chunk);
            fields = null;
            for (int o = 0; o + 4 <= opts.limit() && fields == null; ) {
                int code = opts.getShort(o) & 0xFFFF;
                int length = opts.getShort(o + 2) & 0xFFFF;
                if (code == 0 || o + 4 + length > opts.limit()) {
                    break;
                }
                if (code == Format.RECORD_OPTION && length == Format.CHUNK_FIELDS_LENGTH) {
                    fields = fields(opts.slice(o + 4, length), 0, path, chunk);
                }
                o += 4 + Format.pad4(length);
            }
            if (fields == null) {
                throw damaged(path, chunk, "no chunk fields at offset " + at);
            }
        } else {
            throw damaged(path, chunk, "no chunk at offset " + at);
        }
        if (fields.forwardedLength != chunk.forwardedLength()) {
            throw damaged(path, chunk, "its record says " + fields.forwardedLength + " bytes, the index "
                    + chunk.forwardedLength());
        }
        int expected = chunk.forwardedLength();
        int filled = 0;
        for (int i = 0; i < fields.segments; i++) {
            ByteBuffer epbHeader = read(channel, path, at, 28, chunk);
            if (epbHeader.getInt(0) != Format.EPB) {
                throw damaged(path, chunk, "packet " + (i + 1) + " of " + fields.segments + " is missing");
            }
            long epbLen = epbHeader.getInt(4) & 0xFFFFFFFFL;
            long capLen = epbHeader.getInt(20) & 0xFFFFFFFFL;
            if (capLen < 40 || capLen > Format.MAX_SEGMENT + 60 || epbLen < 32 + capLen) {
                throw damaged(path, chunk, "packet " + (i + 1) + " has a bad length");
            }
            // the IP and TCP headers (at most 60 + 60 bytes) first, then the payload straight into out
            ByteBuffer packet = read(channel, path, at + 28, (int) Math.min(capLen, 120), chunk)
                    .order(ByteOrder.BIG_ENDIAN);
            int version = (packet.get(0) & 0xF0) >>> 4;
            int ipLen = version == 4 ? (packet.get(0) & 0x0F) * 4 : version == 6 ? 40 : -1;
            if (ipLen < 20 || ipLen + 20 > capLen) {
                throw damaged(path, chunk, "packet " + (i + 1) + " is not IPv4/IPv6");
            }
            int tcpLen = ((packet.get(ipLen + 12) & 0xF0) >>> 4) * 4;
            long payload = capLen - ipLen - tcpLen;
            if (tcpLen < 20 || payload < 0 || filled + payload > expected || ipLen + tcpLen > packet.limit()) {
                throw damaged(path, chunk, "packet " + (i + 1) + " does not fit the chunk");
            }
            readInto(channel, path, at + 28 + ipLen + tcpLen, ByteBuffer.wrap(out, filled, (int) payload), chunk);
            filled += (int) payload;
            at += epbLen;
        }
        if (filled != expected) {
            throw damaged(path, chunk, "its packets hold " + filled + " of " + expected + " bytes");
        }
        return out;
    }

    private static void readInto(FileChannel channel, Path path, long at, ByteBuffer into, ChunkInfo chunk)
            throws IOException {
        long start = at - into.position();
        while (into.hasRemaining()) {
            if (channel.read(into, start + into.position()) < 0) {
                throw damaged(path, chunk, "the file ends before its bytes");
            }
        }
    }

    static byte[] readOriginal(FileChannel channel, Path path, ChunkInfo chunk) throws IOException {
        checkInFile(chunk);
        long at = FileOffsets.offset(chunk.fileOffset());
        ByteBuffer h = read(channel, path, at, Format.CHUNK_ORIGINAL_AT, chunk);
        if (h.getInt(0) != Format.CUSTOM_BLOCK) {
            throw damaged(path, chunk, "no chunk record at offset " + FileOffsets.offset(chunk.fileOffset()));
        }
        Fields fields = fields(h, 8, path, chunk);
        long blockLen = h.getInt(4) & 0xFFFFFFFFL;
        int length = chunk.originalLength();
        if (fields.originalLength != length || Format.CHUNK_ORIGINAL_AT + (long) length + 4 > blockLen) {
            throw damaged(path, chunk, "its record is too short for the original bytes");
        }
        byte[] out = new byte[length];
        read(channel, path, at + Format.CHUNK_ORIGINAL_AT, length, chunk).get(0, out);
        return out;
    }

    private static Fields fields(ByteBuffer b, int penAt, Path path, ChunkInfo chunk) throws CaptureFormatException {
        Fields f;
        try {
            f = Fields.parse(b, penAt);
        } catch (IllegalArgumentException e) {
            throw damaged(path, chunk, "its record is damaged");
        }
        if (f == null || f.connectionId != chunk.connectionId()) {
            throw damaged(path, chunk, "no chunk record at offset " + FileOffsets.offset(chunk.fileOffset()));
        }
        return f;
    }

    static void checkInFile(ChunkInfo chunk) throws CaptureFormatException {
        if (!chunk.inFile()) {
            throw new CaptureFormatException("chunk " + chunk.index() + " of connection " + chunk.connectionId()
                    + " is not in a capture file (recorded without a file, after writing failed, or while capture"
                    + " was paused for lack of disk space)");
        }
    }

    private static ByteBuffer read(FileChannel channel, Path path, long at, int length, ChunkInfo chunk)
            throws IOException {
        if (length < 0 || at < 0 || at + length > channel.size()) {
            throw damaged(path, chunk, "the file ends before its bytes (it is " + channel.size() + " bytes long)");
        }
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, at + b.position()) < 0) {
                throw damaged(path, chunk, "the file ends before its bytes");
            }
        }
        return b.flip();
    }

    private static CaptureFormatException damaged(Path path, ChunkInfo chunk, String why) {
        return new CaptureFormatException(path + ": cannot read chunk " + chunk.index() + " of connection "
                + chunk.connectionId() + ": " + why);
    }
}
