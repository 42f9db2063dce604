package wirelens.capture;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import wirelens.engine.Direction;

/**
 * The bytes of pcapng blocks: the section header and interface description, Enhanced Packet Blocks holding
 * a synthesised IPv4 or IPv6 and TCP header, and custom blocks holding Wirelens records. Knows no
 * connection: {@link PcapngEncoder} says which packet to write, with which flags and sequence numbers.
 * Encodes into a buffer; a large payload's bytes are not copied into it but handed to the sink in place,
 * between the framing before and after them, as one gathering write. So payloads must stay untouched
 * until the next {@link #flush()}. Single-threaded.
 */
final class PcapngBlocks {
    static final int TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08, TCP_ACK = 0x10, TCP_FIN = 0x01;
    private static final int BUFFER_BYTES = 2 * Recorder.FLUSH_BYTES;
    /** Payloads at least this large go to the sink in place; smaller ones are cheaper to copy. */
    private static final int IN_PLACE_AT_LEAST = 4096;

    private final Consumer<ByteBuffer[]> sink;
    // direct, so that the file write does not copy it once more into a temporary direct buffer
    private ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    /** What the next flush writes, in order: runs of {@link #buf} and payloads in place. */
    private final List<ByteBuffer> pieces = new ArrayList<>();
    /** Where in {@link #buf} the run not yet in {@link #pieces} starts. */
    private int runStart;
    /** Bytes of payloads in {@link #pieces} (not in {@link #buf}). */
    private long inPlaceBytes;
    private long handedOut;
    private int ipId;

    PcapngBlocks(Consumer<ByteBuffer[]> sink) {
        this.sink = sink;
    }

    /** Offset in the file of the next block. */
    long position() {
        return handedOut + buf.position() + inPlaceBytes;
    }

    /** Hands everything encoded so far to the sink, as one array of pieces to write in order. */
    void flush() {
        if (buf.position() == 0 && pieces.isEmpty()) {
            return;
        }
        long n = buf.position() + inPlaceBytes;
        endRun();
        sink.accept(pieces.toArray(new ByteBuffer[0]));
        handedOut += n;
        pieces.clear();
        inPlaceBytes = 0;
        runStart = 0;
        if (buf.capacity() > BUFFER_BYTES) {
            buf = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        } else {
            buf.clear();
        }
    }

    void flushIfFull() {
        if (buf.position() + inPlaceBytes >= Recorder.FLUSH_BYTES) {
            flush();
        }
    }

    /** Flushes, then counts offsets from 0 again: the next block starts a new file. */
    void newFile() {
        flush();
        handedOut = 0;
    }

    private void endRun() {
        if (buf.position() > runStart) {
            pieces.add(buf.slice(runStart, buf.position() - runStart));
        }
        runStart = buf.position();
    }

    /** Appends payload bytes: copied when small, else queued in place between the framing runs. */
    private void putPayload(ByteBuffer payload, int from, int length) {
        if (length < IN_PLACE_AT_LEAST) {
            buf.put(buf.position(), payload, from, length);
            buf.position(buf.position() + length);
            return;
        }
        endRun();
        pieces.add(payload.slice(from, length));
        inPlaceBytes += length;
    }

    private void ensure(int bytes) {
        if (buf.remaining() < bytes) {
            flush();
        }
        if (buf.capacity() < bytes) {
            buf = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /**
     * Section header (carrying the Wirelens file record as a custom option) and interface description,
     * for file {@code part} of a ring (0: not a ring).
     */
    void fileHeader(long startNanos, int part) {
        byte[] app = "Wirelens".getBytes(StandardCharsets.UTF_8);
        byte[] file = new WirelensRecords.Writer(Format.REC_FILE).u16(Format.FORMAT_VERSION).i64(startNanos)
                .str("Wirelens").i32(part).bytes();
        int optLen = 4 + Format.pad4(app.length) + 4 + Format.pad4(file.length) + 4;
        int shbLen = 28 + optLen;
        ensure(shbLen + 64);
        buf.putInt(Format.SHB).putInt(shbLen).putInt(Format.BYTE_ORDER_MAGIC).putShort((short) 1)
                .putShort((short) 0).putLong(-1L);
        buf.putShort((short) 4).putShort((short) app.length).put(app);
        padTo4(app.length);
        buf.putShort((short) Format.RECORD_OPTION).putShort((short) file.length).put(file);
        padTo4(file.length);
        buf.putInt(0);
        buf.putInt(shbLen);

        byte[] ifName = "wirelens".getBytes(StandardCharsets.UTF_8);
        int idbLen = 20 + 4 + Format.pad4(ifName.length) + 8 + 4;
        buf.putInt(Format.IDB).putInt(idbLen).putShort((short) Format.LINKTYPE_RAW).putShort((short) 0)
                .putInt(0);
        buf.putShort((short) 2).putShort((short) ifName.length).put(ifName);
        padTo4(ifName.length);
        buf.putShort((short) 9).putShort((short) 1).put((byte) 9).put((byte) 0).putShort((short) 0);
        buf.putInt(0);
        buf.putInt(idbLen);
    }

    /**
     * One Enhanced Packet Block: a TCP segment between {@code ends} with {@code payload[from, from+length)};
     * an {@code opt_comment} (UTF-8) when {@code comment} is not null, then {@code record} (PEN + record
     * data), if any, as custom option {@link Format#RECORD_OPTION}.
     */
    void packet(Endpoints ends, Direction direction, long timeNanos, int tcpFlags, long seq, long ack,
            ByteBuffer payload, int from, int length, byte[] record, byte[] comment) {
        boolean c2s = direction == Direction.CLIENT_TO_SERVER;
        int ipHeader = ends.v6() ? 40 : 20;
        int packetLen = ipHeader + 20 + length;
        int commentLen = comment == null ? 0 : 4 + Format.pad4(comment.length);
        int optionsLen = record == null && comment == null ? 0
                : commentLen + (record == null ? 0 : 4 + Format.pad4(record.length)) + 4;
        int blockLen = 28 + Format.pad4(packetLen) + optionsLen + 4;
        ensure(length >= IN_PLACE_AT_LEAST ? blockLen - length : blockLen);
        buf.putInt(Format.EPB).putInt(blockLen).putInt(0);
        buf.putInt((int) (timeNanos >>> 32)).putInt((int) timeNanos);
        buf.putInt(packetLen).putInt(packetLen);
        buf.order(ByteOrder.BIG_ENDIAN);
        byte[] src = c2s ? ends.clientIp() : ends.targetIp();
        byte[] dst = c2s ? ends.targetIp() : ends.clientIp();
        if (ends.v6()) {
            buf.putInt(0x60000000).putShort((short) (20 + length)).put((byte) 6).put((byte) 64).put(src).put(dst);
        } else {
            int start = buf.position();
            buf.put((byte) 0x45).put((byte) 0).putShort((short) packetLen).putShort((short) ipId++)
                    .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0).put(src).put(dst);
            buf.putShort(start + 10, ipv4Checksum(buf, start));
        }
        buf.putShort((short) (c2s ? ends.clientPort() : ends.targetPort()))
                .putShort((short) (c2s ? ends.targetPort() : ends.clientPort()));
        buf.putInt((int) seq).putInt((tcpFlags & TCP_ACK) != 0 ? (int) ack : 0);
        buf.put((byte) 0x50).put((byte) tcpFlags).putShort((short) 0xFFFF).putShort((short) 0).putShort((short) 0);
        buf.order(ByteOrder.LITTLE_ENDIAN);
        if (length > 0) {
            putPayload(payload, from, length);
        }
        padTo4(packetLen);
        if (comment != null) {
            buf.putShort((short) 1).putShort((short) comment.length).put(comment);
            padTo4(comment.length);
        }
        if (record != null) {
            buf.putShort((short) Format.RECORD_OPTION).putShort((short) record.length).put(record);
            padTo4(record.length);
        }
        if (optionsLen > 0) {
            buf.putInt(0); // opt_endofopt
        }
        buf.putInt(blockLen);
    }

    private static short ipv4Checksum(ByteBuffer b, int start) {
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((b.get(start + i) & 0xFF) << 8) | (b.get(start + i + 1) & 0xFF);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (short) ~sum;
    }

    /** A Wirelens record as a custom block of its own. */
    void block(byte[] record) {
        // type + length + record (PEN, data; padded) + trailing length
        int blockLen = 8 + Format.pad4(record.length) + 4;
        ensure(blockLen);
        buf.putInt(Format.CUSTOM_BLOCK).putInt(blockLen).put(record);
        padTo4(record.length);
        buf.putInt(blockLen);
    }

    /** A chunk record followed by the chunk's original bytes, as a custom block; returns its offset. */
    long chunkBlock(byte[] fields, byte[] original) {
        int blockLen = 8 + Format.CHUNK_FIELDS_LENGTH + Format.pad4(original.length) + 4;
        ensure(blockLen);
        long offset = position();
        buf.putInt(Format.CUSTOM_BLOCK).putInt(blockLen).put(fields);
        buf.put(original);
        padTo4(original.length);
        buf.putInt(blockLen);
        return offset;
    }

    private void padTo4(int written) {
        for (int i = written; (i & 3) != 0; i++) {
            buf.put((byte) 0);
        }
    }

    /** Both ends of a synthesised TCP stream as its packets give them: addresses of one IP family, ports. */
    record Endpoints(boolean v6, byte[] clientIp, byte[] targetIp, int clientPort, int targetPort) {

        /** Fixes both endpoints to one IP family (IPv4-mapped IPv6 when they differ). */
        static Endpoints of(InetSocketAddress client, InetSocketAddress target) {
            InetAddress c = client == null ? null : client.getAddress();
            InetAddress t = target == null ? null : target.getAddress();
            byte[] cb = c == null ? new byte[] {(byte) 192, 0, 2, 1} : c.getAddress();
            byte[] tb = t == null ? new byte[] {(byte) 192, 0, 2, 2} : t.getAddress();
            boolean v6 = cb.length == 16 || tb.length == 16;
            return new Endpoints(v6, v6 ? toV6(cb) : cb, v6 ? toV6(tb) : tb,
                    client == null ? 0 : client.getPort(), target == null ? 0 : target.getPort());
        }

        private static byte[] toV6(byte[] ip) {
            if (ip.length == 16) {
                return ip;
            }
            byte[] out = new byte[16];
            out[10] = (byte) 0xFF;
            out[11] = (byte) 0xFF;
            System.arraycopy(ip, 0, out, 12, 4);
            return out;
        }
    }
}
