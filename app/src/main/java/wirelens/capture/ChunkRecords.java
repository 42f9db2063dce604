package wirelens.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Reads one chunk's bytes back from its record and the packet blocks that follow it. */
final class ChunkRecords {
    private ChunkRecords() {}

    static byte[] readForwarded(FileChannel channel, Path path, ChunkInfo chunk) throws IOException {
        ByteBuffer header = chunkHeader(channel, path, chunk);
        int blockLen = header.getInt(4);
        int segments = header.getInt(44);
        byte[] out = new byte[chunk.forwardedLength()];
        int filled = 0;
        long at = chunk.fileOffset() + blockLen;
        for (int i = 0; i < segments; i++) {
            ByteBuffer epbHeader = read(channel, path, at, 28, chunk);
            if (epbHeader.getInt(0) != Format.EPB) {
                throw damaged(path, chunk, "packet " + (i + 1) + " of " + segments + " is missing");
            }
            int epbLen = epbHeader.getInt(4);
            int capLen = epbHeader.getInt(20);
            if (capLen < 40 || capLen > Format.MAX_SEGMENT + 60 || epbLen < 32 + capLen) {
                throw damaged(path, chunk, "packet " + (i + 1) + " has a bad length");
            }
            ByteBuffer packet = read(channel, path, at + 28, capLen, chunk).order(ByteOrder.BIG_ENDIAN);
            int version = (packet.get(0) & 0xF0) >>> 4;
            int ipLen = version == 4 ? (packet.get(0) & 0x0F) * 4 : version == 6 ? 40 : -1;
            if (ipLen < 20 || ipLen + 20 > capLen) {
                throw damaged(path, chunk, "packet " + (i + 1) + " is not IPv4/IPv6");
            }
            int tcpLen = ((packet.get(ipLen + 12) & 0xF0) >>> 4) * 4;
            int payload = capLen - ipLen - tcpLen;
            if (tcpLen < 20 || payload < 0 || filled + payload > out.length) {
                throw damaged(path, chunk, "packet " + (i + 1) + " does not fit the chunk");
            }
            packet.get(ipLen + tcpLen, out, filled, payload);
            filled += payload;
            at += epbLen;
        }
        if (filled != out.length) {
            throw damaged(path, chunk, "its packets hold " + filled + " of " + out.length + " bytes");
        }
        return out;
    }

    static byte[] readOriginal(FileChannel channel, Path path, ChunkInfo chunk) throws IOException {
        ByteBuffer header = chunkHeader(channel, path, chunk);
        int blockLen = header.getInt(4);
        int length = chunk.originalLength();
        if (Format.CHUNK_ORIGINAL_AT + length + 4 > blockLen) {
            throw damaged(path, chunk, "its record is too short for the original bytes");
        }
        ByteBuffer bytes = read(channel, path, chunk.fileOffset() + Format.CHUNK_ORIGINAL_AT, length, chunk);
        byte[] out = new byte[length];
        bytes.get(0, out);
        return out;
    }

    /** Reads and checks the fixed part of the chunk record at the chunk's offset. */
    private static ByteBuffer chunkHeader(FileChannel channel, Path path, ChunkInfo chunk) throws IOException {
        if (!chunk.inFile()) {
            throw new CaptureFormatException("chunk " + chunk.index() + " of connection " + chunk.connectionId()
                    + " is not in a capture file (recorded without a file, or after writing failed)");
        }
        ByteBuffer h = read(channel, path, chunk.fileOffset(), Format.CHUNK_ORIGINAL_AT, chunk);
        if (h.getInt(0) != Format.CUSTOM_BLOCK || h.getInt(8) != Format.PEN || h.get(12) != Format.MAGIC_0
                || h.get(13) != Format.MAGIC_1 || h.get(14) != Format.REC_CHUNK
                || h.getLong(16) != chunk.connectionId()) {
            throw damaged(path, chunk, "no chunk record at offset " + chunk.fileOffset());
        }
        return h;
    }

    private static ByteBuffer read(FileChannel channel, Path path, long at, int length, ChunkInfo chunk)
            throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            int n = channel.read(b, at + b.position());
            if (n < 0) {
                throw damaged(path, chunk, "the file ends before its bytes (cut off at " + channel.size() + ")");
            }
        }
        return b.flip();
    }

    private static CaptureFormatException damaged(Path path, ChunkInfo chunk, String why) {
        return new CaptureFormatException(path + ": cannot read chunk " + chunk.index() + " of connection "
                + chunk.connectionId() + ": " + why);
    }
}
