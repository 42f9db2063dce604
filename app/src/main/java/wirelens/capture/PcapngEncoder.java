package wirelens.capture;

import static wirelens.capture.PcapngBlocks.TCP_ACK;
import static wirelens.capture.PcapngBlocks.TCP_FIN;
import static wirelens.capture.PcapngBlocks.TCP_PSH;
import static wirelens.capture.PcapngBlocks.TCP_RST;
import static wirelens.capture.PcapngBlocks.TCP_SYN;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;

/**
 * Turns engine events into pcapng blocks: a Wirelens record per event (its body written with
 * {@link WirelensRecords}) plus synthesised TCP packets (handshake, data, FIN, RST) so that Wireshark sees
 * each connection as a TCP stream between the real client and target. Keeps each connection's TCP state
 * (sequence numbers, FINs, the records a new file of a ring restates) and pauses; the blocks' bytes are
 * {@link PcapngBlocks}', so chunk payloads must stay untouched until the next {@link #flush()}.
 * Single-threaded.
 */
final class PcapngEncoder {
    private final PcapngBlocks blocks;
    private final Map<Long, Stream> streams = new HashMap<>();
    /** While paused (low disk space) the state of every stream moves on but nothing is written. */
    private boolean paused;
    private long pausedAtNanos;
    private long notRecordedBytes;
    private int notRecordedConnections;

    PcapngEncoder(Consumer<ByteBuffer[]> sink) {
        this.blocks = new PcapngBlocks(sink);
    }

    /** Offset in the file of the next block. */
    long position() {
        return blocks.position();
    }

    /** Hands everything encoded so far to the sink, as one array of pieces to write in order. */
    void flush() {
        blocks.flush();
    }

    /** Section header (carrying the Wirelens file record as a custom option) and interface description. */
    void fileHeader(long startNanos) {
        fileHeader(startNanos, 0);
    }

    /** As {@link #fileHeader(long)}, for file {@code part} of a ring (0: not a ring). */
    void fileHeader(long startNanos, int part) {
        blocks.fileHeader(startNanos, part);
    }

    /**
     * Encodes one event; returns the offset of the chunk for a {@link EngineEvent.Chunk}, else -1. Each
     * Wirelens record rides as a custom option on the packet it describes (SYN: opened, SYN-ACK: target,
     * FIN: half-closed, last ACK or RST: ended, first data packet: chunk); only records without such a
     * packet (edited or dropped chunks, a target known after the handshake) get a custom block.
     */
    long event(EngineEvent event) {
        long chunkOffset = -1;
        if (event instanceof EngineEvent.Opened o) {
            byte[] opened = new WirelensRecords.Writer(Format.REC_OPENED).i64(o.connectionId()).i32(o.listenerId())
                    .u8(WirelensRecords.kindCode(o.listener().kind())).i64(o.timeNanos()).addr(o.client())
                    .addr(o.target()).str(o.listener().name()).bytes();
            streams.put(o.connectionId(),
                    new Stream(o.connectionId(), o.client(), o.target(), o.timeNanos(), opened));
        } else if (event instanceof EngineEvent.TargetConnected t) {
            byte[] target = new WirelensRecords.Writer(Format.REC_TARGET).i64(t.connectionId()).i64(t.timeNanos())
                    .addr(t.target()).bytes();
            Stream s = streams.get(t.connectionId());
            if (s != null && !s.started) {
                s.target = t.target();
                s.endpoints();
                s.targetRecord = target;
                start(s, t.timeNanos(), target);
            } else if (s != null) {
                s.targetRecord = target;
                block(target);
            }
        } else if (event instanceof EngineEvent.Chunk c) {
            chunkOffset = chunk(c);
        } else if (event instanceof EngineEvent.HalfClosed h) {
            byte[] record = new WirelensRecords.Writer(Format.REC_HALF_CLOSED).i64(h.connectionId())
                    .u8(WirelensRecords.directionCode(h.direction())).i64(h.timeNanos()).bytes();
            Stream s = streams.get(h.connectionId());
            if (s != null) {
                start(s, h.timeNanos(), null);
                if (!fin(s, h.direction(), h.timeNanos(), record)) {
                    block(record);
                }
            }
        } else if (event instanceof EngineEvent.Closed c) {
            end(c.connectionId(), event);
        } else if (event instanceof EngineEvent.Tls t) {
            Stream s = streams.get(t.connectionId());
            if (s != null) {
                start(s, t.timeNanos(), null); // the opened record must come first, or a reader skips this one
                connectionRecord(s, WirelensRecords.tlsRecord(t));
            }
        } else if (event instanceof EngineEvent.Origin o) {
            Stream s = streams.get(o.connectionId());
            if (s != null && !o.origin().equals(s.origin)) {
                s.origin = o.origin();
                start(s, o.timeNanos(), null); // the stream's SYN carries the opened record, which must come first
                connectionRecord(s, new WirelensRecords.Writer(Format.REC_ORIGIN).i64(o.connectionId())
                        .i64(o.timeNanos()).str(o.origin()).bytes());
            }
        } else if (event instanceof EngineEvent.ProxyHandshake h) {
            Stream s = streams.get(h.connectionId());
            if (s != null) {
                // a handshake that failed ends the connection before a target: the stream is then to the proxy
                start(s, h.timeNanos(), null);
                connectionRecord(s, WirelensRecords.proxyHandshakeRecord(h)); // restated with the stream's records at a ring's rotation
            }
        } else if (event instanceof EngineEvent.Failed f) {
            end(f.connectionId(), event);
        }
        blocks.flushIfFull();
        return chunkOffset;
    }

    /** A record of a connection that no packet carries (TLS, origin): a block now, and again in each new file. */
    private void connectionRecord(Stream s, byte[] record) {
        s.records.add(record);
        if (!paused) {
            block(record);
            s.recordsWritten = s.records.size();
        }
    }

    /**
     * A connection's end. While paused, the end of a connection this file already shows waits for the
     * resume, so that the file does not leave it open for ever.
     */
    private void end(long id, EngineEvent event) {
        Stream s = streams.get(id);
        if (s == null) {
            return;
        }
        if (paused && s.inFile) {
            s.pendingEnd = event;
            return;
        }
        streams.remove(id);
        if (event instanceof EngineEvent.Closed c) {
            byte[] record = new WirelensRecords.Writer(Format.REC_ENDED).i64(c.connectionId()).i64(c.timeNanos())
                    .u8(c.reset() ? 2 : 1).i64(c.bytesClientToServer()).i64(c.bytesServerToClient())
                    .str(c.reason() == null ? "" : c.reason())
                    .bytes();
            start(s, c.timeNanos(), null);
            if (c.reset()) {
                reset(s, c.timeNanos(), record);
            } else {
                fin(s, Direction.CLIENT_TO_SERVER, c.timeNanos(), null);
                fin(s, Direction.SERVER_TO_CLIENT, c.timeNanos(), null);
                // the last ACK of the close carries the record
                packet(s, Direction.CLIENT_TO_SERVER, c.timeNanos(), TCP_ACK, s.seqClient, s.seqServer, null,
                        0, 0, record);
            }
        } else if (event instanceof EngineEvent.Failed f) {
            byte[] record = new WirelensRecords.Writer(Format.REC_ENDED).i64(f.connectionId()).i64(f.timeNanos())
                    .u8(3).i64(f.bytesClientToServer()).i64(f.bytesServerToClient())
                    .str(f.message() == null ? "" : f.message()).bytes();
            if (!s.started) {
                // never connected: a SYN answered by a RST, as a refused connection looks
                syn(s);
                s.seqClient = s.isnClient + 1;
                s.seqServer = s.isnServer;
                s.started = true;
            }
            reset(s, f.timeNanos(), record);
        }
        if (paused) {
            notRecordedConnections++; // it began and ended while paused: the file never shows it
        }
    }

    // ---- rings and pauses ----

    /**
     * Starts a new file (after {@link #flush()}): offsets count from 0 again, and nothing written so far
     * is in it. Follow with {@link #fileHeader(long, int)} and {@link #restateOpen(long, int)}.
     */
    void newFile() {
        blocks.newFile();
        for (Stream s : streams.values()) {
            s.inFile = false;
            s.finClientWritten = false;
            s.finServerWritten = false;
            s.recordsWritten = 0;
        }
    }

    /**
     * Writes, at the start of file {@code part} of a ring, what a reader of this file alone needs for
     * each connection still open: its handshake (the opened and target records, with sequence numbers
     * that go on from where the stream is), its FINs so far, its TLS and origin records; then a restated record
     * that says where the restating ends.
     */
    void restateOpen(long timeNanos, int part) {
        int count = 0;
        for (Stream s : streams.values()) {
            if (s.started) {
                restate(s, timeNanos);
                count++;
            }
        }
        block(new WirelensRecords.Writer(Format.REC_RESTATED).i32(part).i32(count).i64(timeNanos).bytes());
    }

    boolean paused() {
        return paused;
    }

    /** Stops writing: from now on events only move the streams on (sequence numbers, FINs, ends). */
    void pause(long timeNanos) {
        if (!paused) {
            flush();
            paused = true;
            pausedAtNanos = timeNanos;
            notRecordedBytes = 0;
            notRecordedConnections = 0;
        }
    }

    /**
     * Writes again. Each open connection says what it missed: a connection this file already shows gets
     * an ACK whose sequence number jumps over the bytes not recorded (so Wireshark sees a gap, not a
     * corrupt stream), carrying a gap record and a comment; its FINs, TLS records and end from the pause
     * follow. A connection that began during the pause is stated as at a ring's rotation. A gap record
     * for the whole capture comes last. Returns the bytes not recorded.
     */
    long resume(long timeNanos) {
        if (!paused) {
            return 0;
        }
        paused = false;
        long total = notRecordedBytes;
        for (Stream s : new ArrayList<>(streams.values())) {
            if (!s.started) {
                continue;
            }
            if (!s.inFile) {
                restate(s, timeNanos);
            } else {
                writeMissed(s, timeNanos);
            }
            if (s.skippedClient + s.skippedServer > 0) {
                gap(s, timeNanos);
            }
            if (s.pendingEnd != null) {
                EngineEvent e = s.pendingEnd;
                s.pendingEnd = null;
                end(s.id, e);
            }
        }
        block(new WirelensRecords.Writer(Format.REC_GAP).i64(-1).i64(pausedAtNanos).i64(timeNanos).i64(total)
                .i64(0).i32(notRecordedConnections).bytes());
        blocks.flushIfFull();
        return total;
    }

    /** The handshake "as of now" (so the stream's next bytes follow on), FINs so far, TLS and origin records. */
    private void restate(Stream s, long timeNanos) {
        long client = s.seqClient - (s.finClient ? 1 : 0);
        long server = s.seqServer - (s.finServer ? 1 : 0);
        packet(s, Direction.CLIENT_TO_SERVER, s.openedNanos, TCP_SYN, client - 1, 0, null, 0, 0, s.openedRecord);
        packet(s, Direction.SERVER_TO_CLIENT, timeNanos, TCP_SYN | TCP_ACK, server - 1, client, null, 0, 0,
                s.targetRecord);
        packet(s, Direction.CLIENT_TO_SERVER, timeNanos, TCP_ACK, client, server, null, 0, 0, null);
        s.finClientWritten = false;
        s.finServerWritten = false;
        s.recordsWritten = 0;
        writeMissed(s, timeNanos);
    }

    /** FINs, TLS and origin records the file does not show yet. */
    private void writeMissed(Stream s, long timeNanos) {
        if (s.finClient && !s.finClientWritten) {
            missedFin(s, Direction.CLIENT_TO_SERVER, timeNanos);
        }
        if (s.finServer && !s.finServerWritten) {
            missedFin(s, Direction.SERVER_TO_CLIENT, timeNanos);
        }
        for (int i = s.recordsWritten; i < s.records.size(); i++) {
            block(s.records.get(i));
        }
        s.recordsWritten = s.records.size();
    }

    private void missedFin(Stream s, Direction from, long timeNanos) {
        boolean c2s = from == Direction.CLIENT_TO_SERVER;
        byte[] record = new WirelensRecords.Writer(Format.REC_HALF_CLOSED).i64(s.id)
                .u8(WirelensRecords.directionCode(from)).i64(timeNanos).bytes();
        long seq = (c2s ? s.seqClient : s.seqServer) - 1;
        long ack = c2s ? s.seqServer : s.seqClient;
        packet(s, from, timeNanos, TCP_FIN | TCP_ACK, seq, ack, null, 0, 0, record);
        if (c2s) {
            s.finClientWritten = true;
        } else {
            s.finServerWritten = true;
        }
    }

    /** An ACK at the stream's position now, with the gap record and a comment for Wireshark's users. */
    private void gap(Stream s, long timeNanos) {
        long skipped = s.skippedClient + s.skippedServer;
        byte[] record = new WirelensRecords.Writer(Format.REC_GAP).i64(s.id).i64(pausedAtNanos).i64(timeNanos)
                .i64(s.skippedClient).i64(s.skippedServer).i32(0).bytes();
        byte[] comment = ("capture paused: " + skipped + " bytes not recorded (" + s.skippedClient
                + " client to server, " + s.skippedServer + " server to client)").getBytes(StandardCharsets.UTF_8);
        long client = s.seqClient - (s.finClient ? 1 : 0);
        long server = s.seqServer - (s.finServer ? 1 : 0);
        s.skippedClient = 0;
        s.skippedServer = 0;
        packet(s, Direction.CLIENT_TO_SERVER, timeNanos, TCP_ACK, client, server, null, 0, 0, record, comment);
    }

    /** Writes the opening of connections that never got further, so they are in the file. */
    void finish() {
        for (Stream s : streams.values()) {
            if (!s.started) {
                s.started = true;
                syn(s);
            }
        }
        streams.clear();
    }

    private long chunk(EngineEvent.Chunk c) {
        Stream s = streams.get(c.connectionId());
        if (s == null) {
            return -1;
        }
        start(s, c.timeNanos(), null);
        boolean dropped = c.dropped();
        boolean injected = c.originalLength() == 0 && !dropped;
        boolean edited = c.edited();
        int fwdLen = c.forwardedLength();
        int segments = (fwdLen + Format.MAX_SEGMENT - 1) / Format.MAX_SEGMENT;
        int flags = (edited ? Format.FLAG_EDITED : 0) | (dropped ? Format.FLAG_DROPPED : 0)
                | (injected ? Format.FLAG_INJECTED : 0);
        byte[] fields = new WirelensRecords.Writer(Format.REC_CHUNK).i64(c.connectionId())
                .u8(WirelensRecords.directionCode(c.direction())).u8(flags).u16(0).i64(c.timeNanos())
                .i32(fwdLen).i32(c.originalLength()).i32(segments).bytes();

        if (paused) {
            if (c.direction() == Direction.CLIENT_TO_SERVER) {
                s.seqClient += fwdLen;
                s.skippedClient += fwdLen;
            } else {
                s.seqServer += fwdLen;
                s.skippedServer += fwdLen;
            }
            notRecordedBytes += fwdLen;
            return -1;
        }
        long offset = position();
        byte[] option = null;
        if (edited || dropped) {
            // the original bytes of an edited or dropped chunk ride in a custom block of their own
            offset = blocks.chunkBlock(fields, edited ? c.original() : new byte[0]);
        } else {
            option = fields;
        }

        ByteBuffer forwarded = dropped ? null : c.forwardedPayload().buffer();
        boolean c2s = c.direction() == Direction.CLIENT_TO_SERVER;
        for (int at = 0; at < fwdLen; at += Format.MAX_SEGMENT) {
            int n = Math.min(Format.MAX_SEGMENT, fwdLen - at);
            long seq = c2s ? s.seqClient : s.seqServer;
            long ack = c2s ? s.seqServer : s.seqClient;
            if (at == 0) {
                offset = option != null ? position() : offset;
            }
            packet(s, c.direction(), c.timeNanos(), TCP_PSH | TCP_ACK, seq, ack, forwarded, at, n,
                    at == 0 ? option : null);
            if (c2s) {
                s.seqClient += n;
            } else {
                s.seqServer += n;
            }
        }
        return offset;
    }

    private void syn(Stream s) {
        packet(s, Direction.CLIENT_TO_SERVER, s.openedNanos, TCP_SYN, s.isnClient, 0, null, 0, 0, s.openedRecord);
    }

    /** SYN (with the opened record), SYN-ACK (with {@code targetRecord}), ACK — once per stream. */
    private void start(Stream s, long timeNanos, byte[] targetRecord) {
        if (s.started) {
            return;
        }
        s.started = true;
        syn(s);
        packet(s, Direction.SERVER_TO_CLIENT, timeNanos, TCP_SYN | TCP_ACK, s.isnServer, s.isnClient + 1, null, 0, 0,
                targetRecord);
        packet(s, Direction.CLIENT_TO_SERVER, timeNanos, TCP_ACK, s.isnClient + 1, s.isnServer + 1, null, 0, 0, null);
        s.seqClient = s.isnClient + 1;
        s.seqServer = s.isnServer + 1;
    }

    /** Sends a FIN unless that side already did; returns whether it did (and so carried {@code record}). */
    private boolean fin(Stream s, Direction from, long timeNanos, byte[] record) {
        boolean c2s = from == Direction.CLIENT_TO_SERVER;
        if (c2s ? s.finClient : s.finServer) {
            return false;
        }
        long seq = c2s ? s.seqClient : s.seqServer;
        long ack = c2s ? s.seqServer : s.seqClient;
        packet(s, from, timeNanos, TCP_FIN | TCP_ACK, seq, ack, null, 0, 0, record);
        if (c2s) {
            s.finClient = true;
            s.finClientWritten = !paused;
            s.seqClient++;
        } else {
            s.finServer = true;
            s.finServerWritten = !paused;
            s.seqServer++;
        }
        return true;
    }

    /** The engine does not say which side reset; the target side is shown resetting. */
    private void reset(Stream s, long timeNanos, byte[] record) {
        packet(s, Direction.SERVER_TO_CLIENT, timeNanos, TCP_RST | TCP_ACK, s.seqServer, s.seqClient, null, 0, 0,
                record);
    }

    /**
     * One Enhanced Packet Block; {@code record} (PEN + record data), if any, goes in as custom option
     * {@link Format#RECORD_OPTION}.
     */
    private void packet(Stream s, Direction direction, long timeNanos, int tcpFlags, long seq, long ack,
            ByteBuffer payload, int from, int length, byte[] record) {
        packet(s, direction, timeNanos, tcpFlags, seq, ack, payload, from, length, record, null);
    }

    /** As above, with an {@code opt_comment} (UTF-8) before the record when {@code comment} is not null. */
    private void packet(Stream s, Direction direction, long timeNanos, int tcpFlags, long seq, long ack,
            ByteBuffer payload, int from, int length, byte[] record, byte[] comment) {
        if (paused) {
            return;
        }
        s.inFile = true;
        blocks.packet(s.ends, direction, timeNanos, tcpFlags, seq, ack, payload, from, length, record, comment);
    }

    /** A Wirelens record as a custom block of its own. */
    private void block(byte[] record) {
        if (paused) {
            return;
        }
        blocks.block(record);
    }

    /** One connection's synthesised TCP state. */
    private static final class Stream {
        final long id;
        final long openedNanos;
        final InetSocketAddress client;
        InetSocketAddress target;
        final long isnClient;
        final long isnServer;
        long seqClient;
        long seqServer;
        boolean started;
        boolean finClient;
        boolean finServer;
        /** Whether the current file shows this stream (its handshake), and which of its FINs and records. */
        boolean inFile;
        boolean finClientWritten;
        boolean finServerWritten;
        int recordsWritten;
        /** Its TLS and origin records, in order: written as they come and restated in each new file. */
        final List<byte[]> records = new ArrayList<>(2);
        /** The origin last recorded (HTTP proxy), or null. */
        String origin;
        byte[] targetRecord;
        /** Bytes of each direction not recorded while paused, not yet told in the file. */
        long skippedClient;
        long skippedServer;
        /** The end that came while paused, written on resume. */
        EngineEvent pendingEnd;
        PcapngBlocks.Endpoints ends;

        final byte[] openedRecord;

        Stream(long id, InetSocketAddress client, InetSocketAddress target, long openedNanos, byte[] openedRecord) {
            this.id = id;
            this.openedNanos = openedNanos;
            this.openedRecord = openedRecord;
            this.client = client;
            this.target = target;
            long mix = (id + 1) * 0x9E3779B97F4A7C15L;
            this.isnClient = (mix >>> 32) & 0xFFFFFFFFL;
            this.isnServer = mix & 0xFFFFFFFFL;
            endpoints();
        }

        /** Sets the endpoints its packets carry (again when the target becomes known). */
        void endpoints() {
            ends = PcapngBlocks.Endpoints.of(client, target);
        }
    }
}
