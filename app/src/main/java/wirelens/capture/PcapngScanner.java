package wirelens.capture;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.ListenerKind;

/**
 * Builds the index of a capture file from block headers and Wirelens records, reading packet blocks
 * only as far as their headers. Damage is skipped and described: a cut-off tail, a damaged stretch (the
 * scanner looks for the next intact block), a record that does not parse, a chunk whose packets are
 * missing. Only a file that is not a Wirelens pcapng at all fails.
 */
final class PcapngScanner {
    /** How far past a damaged block to look for the next intact one. */
    private static final long RESYNC_LIMIT = 64L << 20;
    /** Blocks to look at for a Wirelens record before saying "not a Wirelens capture". */
    private static final int RECOGNISE_WITHIN_BLOCKS = 64;
    /** Largest non-chunk record; anything longer is damage. */
    private static final int MAX_RECORD = 64 * 1024;
    private static final int MAX_NOTES = 20;

    /** {@code bodyStarts[i]}: where file i's restated connections end (0 when it restates none). */
    record Result(CaptureIndex index, List<String> skipped, long[] bodyStarts) {}

    /** What the files of one capture share: the index they build, and what was skipped. */
    private static final class Shared {
        final CaptureIndex index = new CaptureIndex();
        final IndexUpdater updater = new IndexUpdater(index);
        final List<String> notes = new ArrayList<>();
        int moreNotes;
    }

    private final Path path;
    private final Window in;
    private final long size;
    /** This file's number among the capture's files (the high bits of its chunks' positions). */
    private final int fileNumber;
    /** Said before each note when the capture has several files. */
    private final String notePrefix;
    private final CaptureIndex index;
    private final IndexUpdater updater;
    private final Shared shared;
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    private boolean recognised;
    private long blocks;
    private Pending pending;
    /**
     * True at the start of file 2 and on of a ring, until the restated record: the connections still
     * open when the file began are stated again there. One already known from an earlier file of the
     * set goes on; its restated records are not applied twice.
     */
    private boolean restating;
    private final Set<Long> restatedHere = new HashSet<>();
    private long restatedAt = -1;
    private long bodyStart;

    /** A chunk record whose packets are still being counted. */
    private record Pending(long offset, long connectionId, Direction direction, long time, int forwardedLength,
            int originalLength, int flags, int segments, int[] seen, long[] payload) {}

    private PcapngScanner(Path path, FileChannel channel, int fileNumber, boolean several, Shared shared)
            throws IOException {
        this.path = path;
        this.size = channel.size();
        this.in = new Window(channel, size);
        this.fileNumber = fileNumber;
        this.notePrefix = several ? path.getFileName() + ": " : "";
        this.shared = shared;
        this.index = shared.index;
        this.updater = shared.updater;
    }

    static Result scan(Path path, FileChannel channel) throws IOException {
        return scan(List.of(path), List.of(channel));
    }

    /** One index from several files read in order (a ring's files oldest first); file i's chunks are in file i. */
    static Result scan(List<Path> paths, List<FileChannel> channels) throws IOException {
        Shared shared = new Shared();
        long[] bodyStarts = new long[paths.size()];
        for (int i = 0; i < paths.size(); i++) {
            Path path = paths.get(i);
            PcapngScanner s = new PcapngScanner(path, channels.get(i), i, paths.size() > 1, shared);
            try {
                s.run();
            } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
                // every read is bounds-checked beforehand; this is the last line of defence against damage
                throw new CaptureFormatException(path + ": damaged capture file (" + e + ")");
            }
            bodyStarts[i] = s.bodyStart;
        }
        if (shared.moreNotes > 0) {
            shared.notes.add("... and " + shared.moreNotes + " more damaged places");
        }
        return new Result(shared.index, shared.notes, bodyStarts);
    }

    private void run() throws IOException {
        if (size < 28) {
            throw new CaptureFormatException(path + ": not a capture file (only " + size + " bytes)");
        }
        ByteBuffer head = in.at(0, 12, ByteOrder.BIG_ENDIAN);
        int magic = head.getInt(0);
        if (magic == 0xA1B2C3D4 || magic == 0xD4C3B2A1 || magic == 0xA1B23C4D || magic == 0x4D3CB2A1) {
            throw new CaptureFormatException(path + ": a classic pcap file, not pcapng; Wirelens reads its own "
                    + "pcapng captures (open this one in Wireshark)");
        }
        int bom = head.getInt(8);
        if (magic != Format.SHB || (bom != Format.BYTE_ORDER_MAGIC && bom != Integer.reverseBytes(Format.BYTE_ORDER_MAGIC))) {
            throw new CaptureFormatException(path + ": not a pcapng file (it starts with "
                    + String.format("%08x", magic) + ")");
        }
        long pos = 0;
        while (pos < size) {
            if (!recognised && blocks >= RECOGNISE_WITHIN_BLOCKS) {
                throw notWirelens();
            }
            if (size - pos < 12) {
                note("the last " + (size - pos) + " bytes are a cut-off block (the capture was interrupted)");
                break;
            }
            int type = in.at(pos, 8, order).getInt(0);
            if (type == Format.SHB) {
                int bomHere = in.at(pos + 8, 4, ByteOrder.BIG_ENDIAN).getInt(0);
                order = bomHere == Format.BYTE_ORDER_MAGIC ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            }
            long len = in.at(pos, 8, order).getInt(4) & 0xFFFFFFFFL;
            boolean plausible = len >= 12 && len % 4 == 0;
            if (plausible && pos + len > size && isKnown(type)) {
                note("the last " + (size - pos) + " bytes (from offset " + pos
                        + ") are a cut-off block (the capture was interrupted while writing)");
                break;
            }
            if (!plausible || pos + len > size || trailer(pos, len) != len) {
                long next = resync(pos);
                if (next < 0) {
                    note("damaged block at offset " + pos + "; nothing readable after it (" + (size - pos)
                            + " bytes skipped)");
                    break;
                }
                note("damaged bytes at offset " + pos + " (" + (next - pos) + " bytes skipped)");
                abandonPending("its packets were in a damaged part of the file");
                pos = next;
                continue;
            }
            block(pos, type, (int) len);
            blocks++;
            pos += len;
        }
        abandonPending("the file ends before its packets");
        if (!recognised) {
            throw notWirelens();
        }
    }

    private CaptureFormatException notWirelens() {
        return new CaptureFormatException(path + ": a pcapng file, but not a Wirelens capture (it has no Wirelens "
                + "records); open it in Wireshark");
    }

    private static boolean isKnown(int type) {
        return type == Format.EPB || type == Format.CUSTOM_BLOCK || type == Format.CUSTOM_COPY || type == Format.SHB
                || type == Format.IDB;
    }

    private long trailer(long pos, long len) throws IOException {
        return in.at(pos + len - 4, 4, order).getInt(0) & 0xFFFFFFFFL;
    }

    /** The next offset after {@code from} where an intact known block starts, or -1. */
    private long resync(long from) throws IOException {
        long limit = Math.min(size - 12, from + RESYNC_LIMIT);
        for (long p = from + 4; p <= limit; p += 4) {
            ByteBuffer h = in.at(p, 8, order);
            int type = h.getInt(0);
            long len = h.getInt(4) & 0xFFFFFFFFL;
            if (isKnown(type) && type != Format.SHB && len >= 12 && len % 4 == 0 && p + len <= size
                    && trailer(p, len) == len) {
                return p;
            }
        }
        return -1;
    }

    private void block(long pos, int type, int len) throws IOException {
        if (type == Format.EPB) {
            packet(pos, len);
        } else if (type == Format.SHB && len > 28) {
            for (ByteBuffer rec : records(pos + 24, pos + len - 4)) {
                record(rec, pos);
            }
        } else if ((type == Format.CUSTOM_BLOCK || type == Format.CUSTOM_COPY) && len >= 20) {
            ByteBuffer h = in.at(pos, 16, order);
            if (isRecord(h, 8)) {
                abandonPending("a record came before all its packets");
                if ((h.get(14) & 0xFF) == Format.REC_CHUNK) {
                    chunkRecord(pos, len);
                } else if (len - 12 > MAX_RECORD) {
                    note("record at offset " + pos + " skipped: implausibly long (" + len + " bytes)");
                } else {
                    record(in.at(pos + 8, len - 12, order), pos);
                    if (restatedAt == pos) {
                        bodyStart = pos + len;
                    }
                }
            }
        }
    }

    private boolean isRecord(ByteBuffer b, int penAt) {
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        boolean ours = b.limit() >= penAt + 8 && le.getInt(penAt) == Format.PEN && le.get(penAt + 4) == Format.MAGIC_0
                && le.get(penAt + 5) == Format.MAGIC_1;
        recognised |= ours;
        return ours;
    }

    /** The Wirelens records among the options in [from, to) (each from its PEN on). */
    private List<ByteBuffer> records(long from, long to) throws IOException {
        if (to - from < 4 || to - from > MAX_RECORD) {
            return List.of();
        }
        ByteBuffer opts = in.at(from, (int) (to - from), order);
        List<ByteBuffer> out = new ArrayList<>(1);
        int at = 0;
        while (at + 4 <= opts.limit()) {
            int code = opts.getShort(at) & 0xFFFF;
            int length = opts.getShort(at + 2) & 0xFFFF;
            if (code == 0 || at + 4 + length > opts.limit()) {
                break;
            }
            if (code == Format.RECORD_OPTION && length >= 8) {
                ByteBuffer value = opts.slice(at + 4, length).order(ByteOrder.LITTLE_ENDIAN);
                if (isRecord(value, 0)) {
                    out.add(value);
                }
            }
            at += 4 + Format.pad4(length);
        }
        return out;
    }

    /**
     * Reads the records a packet carries (a chunk's fields start a chunk) and counts the packet toward
     * the pending chunk; packets outside chunks (handshake, FIN, RST) only carry records.
     */
    private void packet(long pos, int len) throws IOException {
        int n = Math.min(len - 4, 28 + 64);
        ByteBuffer b = in.at(pos, n, order);
        long capLen = b.getInt(20) & 0xFFFFFFFFL;
        if (n < 28 || capLen > len - 32) {
            abandonPending("one of its packets is damaged");
            return;
        }
        for (ByteBuffer rec : records(pos + ChunkRecords.optionAt(capLen), pos + len - 4)) {
            if ((rec.get(6) & 0xFF) == Format.REC_CHUNK) {
                abandonPending("another chunk began before all its packets");
                try {
                    ChunkRecords.Fields f = ChunkRecords.Fields.parse(rec, 0);
                    if (f != null && f.segments() > 0 && !f.edited() && !f.dropped()) {
                        startChunk(pos, f);
                    } else {
                        note("chunk at offset " + pos + " skipped: its fields do not fit a packet");
                    }
                } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                    note("chunk at offset " + pos + " skipped: its fields are damaged");
                }
            } else {
                record(rec, pos);
            }
        }
        if (pending == null) {
            return;
        }
        Pending p = pending;
        long payload = -1;
        if (n >= 28 + 40 && capLen >= 40) {
            int version = (b.get(28) & 0xF0) >>> 4;
            int ipLen = version == 4 ? (b.get(28) & 0x0F) * 4 : version == 6 ? 40 : -1;
            if (ipLen >= 20 && 28 + ipLen + 13 <= n) {
                int tcpLen = ((b.get(28 + ipLen + 12) & 0xF0) >>> 4) * 4;
                payload = capLen - ipLen - tcpLen;
            }
        }
        if (payload < 0) {
            pending = null;
            note("chunk at offset " + p.offset + " skipped: one of its packets is damaged");
            return;
        }
        p.seen[0]++;
        p.payload[0] += payload;
        if (p.seen[0] == p.segments) {
            pending = null;
            if (p.payload[0] != p.forwardedLength) {
                note("chunk at offset " + p.offset + " skipped: its packets hold " + p.payload[0] + " bytes, not "
                        + p.forwardedLength);
                return;
            }
            addChunk(p);
        }
    }

    private void abandonPending(String why) {
        if (pending != null) {
            note("chunk at offset " + pending.offset + " skipped: " + why);
            pending = null;
        }
    }

    /** Applies one record other than a chunk; {@code rec} starts at its PEN. */
    private void record(ByteBuffer rec, long pos) throws IOException {
        int type = rec.get(6) & 0xFF;
        int version = rec.get(7) & 0xFF;
        if (version > Format.RECORD_VERSION) {
            note("record type " + type + " version " + version + " at offset " + pos
                    + " skipped: written by a newer Wirelens");
            return;
        }
        try {
            ByteBuffer b = rec.slice(8, rec.limit() - 8).order(ByteOrder.LITTLE_ENDIAN);
            if (restating && type != Format.REC_OPENED && type != Format.REC_FILE && type != Format.REC_RESTATED
                    && b.remaining() >= 8 && !restatedHere.contains(b.getLong(0))
                    && index.connection(b.getLong(0)).isPresent()) {
                return; // restates what an earlier file of the set already said
            }
            switch (type) {
                case Format.REC_FILE -> {
                    int formatVersion = b.getShort() & 0xFFFF;
                    if (formatVersion > Format.FORMAT_VERSION) {
                        throw new CaptureFormatException(path + ": written by a newer Wirelens (format version "
                                + formatVersion + "; this one reads version " + Format.FORMAT_VERSION + ")");
                    }
                    b.getLong();
                    WirelensRecords.string(b);
                    // the ring's file number came later than the fields above: older files end here
                    restating = b.remaining() >= 4 && b.getInt() >= 2;
                }
                case Format.REC_RESTATED -> {
                    restating = false;
                    restatedAt = pos;
                }
                case Format.REC_GAP -> gap(b);
                case Format.REC_OPENED -> {
                    long id = b.getLong();
                    int listenerId = b.getInt();
                    int kind = b.get();
                    long time = b.getLong();
                    InetSocketAddress client = WirelensRecords.address(b);
                    InetSocketAddress target = WirelensRecords.address(b);
                    String name = WirelensRecords.string(b);
                    ListenerKind listenerKind = WirelensRecords.listenerKind(kind);
                    ConnectionInfo info = IndexUpdater.opened(id, listenerId, name, listenerKind, client, target,
                            time);
                    if (restating && index.connection(id).isPresent()) {
                        return; // goes on from an earlier file
                    }
                    if (restating) {
                        restatedHere.add(id);
                    }
                    if (!updater.add(info, null)) {
                        note("record at offset " + pos + " skipped: connection " + id + " opened twice");
                    }
                }
                case Format.REC_TARGET -> {
                    long id = b.getLong();
                    b.getLong();
                    known(pos, id, updater.target(id, WirelensRecords.address(b), null));
                }
                case Format.REC_HALF_CLOSED -> {
                    long id = b.getLong();
                    Direction d = WirelensRecords.direction(b.get());
                    known(pos, id, updater.halfClosed(id, d, null));
                }
                case Format.REC_ENDED -> {
                    long id = b.getLong();
                    long time = b.getLong();
                    int end = b.get();
                    long c2s = b.getLong();
                    long s2c = b.getLong();
                    String message = WirelensRecords.string(b);
                    ConnectionEnd how = switch (end) {
                        case 1 -> ConnectionEnd.CLOSED;
                        case 2 -> ConnectionEnd.RESET;
                        case 3 -> ConnectionEnd.FAILED;
                        default -> throw new IllegalArgumentException("end " + end);
                    };
                    String reason = how == ConnectionEnd.FAILED || !message.isEmpty() ? message : null;
                    known(pos, id, updater.ended(id, how, time, reason,
                            Math.max(0, c2s), Math.max(0, s2c), null));
                }
                case Format.REC_TLS -> {
                    EngineEvent.Tls t = WirelensRecords.tls(b);
                    known(pos, t.connectionId(), updater.tls(t));
                }
                case Format.REC_PROXY_HANDSHAKE -> {
                    EngineEvent.ProxyHandshake h = WirelensRecords.proxyHandshake(b);
                    known(pos, h.connectionId(), updater.proxyHandshake(h, null));
                }
                case Format.REC_ORIGIN -> {
                    long id = b.getLong();
                    b.getLong();
                    known(pos, id, updater.origin(id, WirelensRecords.string(b), null));
                }
                case Format.REC_CHUNK -> note("chunk at offset " + pos + " skipped: not where a chunk belongs");
                default -> note("record at offset " + pos + " skipped: unknown record type " + type);
            }
        } catch (BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
            note("record at offset " + pos + " skipped: damaged (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    /** A pause for lack of disk space; the capture-wide record (id -1) says what the whole capture missed. */
    private void gap(ByteBuffer b) {
        long id = b.getLong();
        long from = b.getLong();
        long to = b.getLong();
        long bytes = b.getLong() + b.getLong();
        int connections = b.remaining() >= 4 ? b.getInt() : 0;
        if (id == -1) {
            note("capture paused for lack of disk space from " + wirelens.base.Units.clock(from) + " to "
                    + wirelens.base.Units.clock(to) + ": " + bytes + " bytes" + (connections > 0 ? " and "
                    + connections + " connection(s)" : "") + " not recorded");
        }
    }

    private void known(long pos, long id, boolean ok) {
        if (!ok) {
            note("record at offset " + pos + " skipped: connection " + id + " was never opened");
        }
    }

    private void chunkRecord(long pos, int len) throws IOException {
        try {
            if (len < Format.CHUNK_ORIGINAL_AT + 4) {
                throw new IllegalArgumentException("chunk record too short");
            }
            ChunkRecords.Fields f = ChunkRecords.Fields.parse(in.at(pos, Format.CHUNK_ORIGINAL_AT, order), 8);
            if (f == null || (f.edited() && Format.CHUNK_ORIGINAL_AT + (long) f.originalLength() + 4 > len)) {
                throw new IllegalArgumentException("original bytes longer than the record");
            }
            if (!f.edited() && !f.dropped()) {
                throw new IllegalArgumentException("an unchanged chunk in a block of its own");
            }
            startChunk(pos, f);
        } catch (IllegalArgumentException e) {
            note("chunk at offset " + pos + " skipped: its record is damaged");
        }
    }

    private void startChunk(long pos, ChunkRecords.Fields f) {
        if (index.connection(f.connectionId()).isEmpty()) {
            note("chunk at offset " + pos + " skipped: connection " + f.connectionId() + " was never opened");
            return;
        }
        Pending p = new Pending(pos, f.connectionId(), f.direction(), f.timeNanos(), f.forwardedLength(),
                f.originalLength(), f.flags(), f.segments(), new int[1], new long[1]);
        if (f.segments() == 0) {
            addChunk(p);
        } else {
            pending = p;
        }
    }

    private void addChunk(Pending p) {
        updater.chunk(p.connectionId, p.direction, p.time, p.originalLength, p.forwardedLength,
                (p.flags & Format.FLAG_EDITED) != 0, (p.flags & Format.FLAG_DROPPED) != 0,
                (p.flags & Format.FLAG_INJECTED) != 0, FileOffsets.of(fileNumber, p.offset));
    }

    private void note(String message) {
        if (shared.notes.size() < MAX_NOTES) {
            shared.notes.add(notePrefix + message);
        } else {
            shared.moreNotes++;
        }
    }

    /** A read-ahead window over the file, so that block headers cost no system call each. */
    private static final class Window {
        /**
         * Read size: small, so that the headers and trailers of large packet blocks are read without the
         * payload between them (a 32 KiB segment costs two 4 KiB reads, not 32 KiB).
         */
        private static final int SIZE = 4096;
        private final FileChannel channel;
        private final long fileSize;
        private final ByteBuffer buf = ByteBuffer.allocate(SIZE + MAX_RECORD);
        private long start = -1;
        private int length;

        Window(FileChannel channel, long fileSize) {
            this.channel = channel;
            this.fileSize = fileSize;
        }

        /** {@code n} bytes (at most 64 KiB) at {@code pos}, which the caller has checked lie in the file. */
        ByteBuffer at(long pos, int n, ByteOrder order) throws IOException {
            if (n < 0 || n > MAX_RECORD || pos < 0 || pos + n > fileSize) {
                throw new IllegalArgumentException("read of " + n + " bytes at " + pos + " outside the file");
            }
            if (start < 0 || pos < start || pos + n > start + length) {
                buf.clear();
                int want = (int) Math.min(Math.max(n, SIZE), fileSize - pos);
                buf.limit(want);
                while (buf.hasRemaining()) {
                    if (channel.read(buf, pos + buf.position()) < 0) {
                        break;
                    }
                }
                start = pos;
                length = buf.position();
                if (length < n) {
                    throw new CaptureFormatException("the file shrank while being read");
                }
            }
            // a copy: the caller may read on while a later call refills the window
            ByteBuffer copy = ByteBuffer.allocate(n).order(order);
            copy.put(0, buf, (int) (pos - start), n);
            return copy;
        }
    }
}
