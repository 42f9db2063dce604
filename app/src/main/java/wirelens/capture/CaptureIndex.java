package wirelens.capture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;

/**
 * What a capture holds, without the bytes: every connection and, per connection, every chunk's
 * direction, time, lengths, flags and file offset. Chunks are packed ({@link ChunkTable}: about 8 to 12
 * bytes each, trimmed to size when the connection ends) so that millions of chunks fit in a small heap.
 * Connections can be forgotten (the capture file keeps them), so a long run need not hold them all.
 * Filled by the {@link Recorder}'s writer thread or by {@link CaptureFile#open}; safe to read from any
 * thread at any time.
 */
public final class CaptureIndex {
    private final Map<Long, Entry> connections = new LinkedHashMap<>();
    private final Certificates certificates = new Certificates();
    private long added;

    /** Every connection in the order they were opened (a snapshot). */
    public synchronized List<ConnectionInfo> connections() {
        List<ConnectionInfo> out = new ArrayList<>(connections.size());
        for (Entry e : connections.values()) {
            out.add(e.info);
        }
        return out;
    }

    public synchronized Optional<ConnectionInfo> connection(long id) {
        Entry e = connections.get(id);
        return e == null ? Optional.empty() : Optional.of(e.info);
    }

    /**
     * Drops a connection and its chunks from memory (a recorder without a file keeps only open
     * connections; the window's Clear forgets finished ones). The capture file keeps their records.
     */
    public synchronized void forget(long id) {
        connections.remove(id);
    }

    public synchronized int connectionCount() {
        return connections.size();
    }

    /** Connections ever added, those forgotten since included. */
    public synchronized long addedCount() {
        return added;
    }

    /** Number of chunks of that connection (0 for an unknown id). */
    public synchronized int chunkCount(long connectionId) {
        Entry e = connections.get(connectionId);
        return e == null ? 0 : e.chunks.size();
    }

    /** The chunk at {@code index} (0 .. chunkCount-1) of that connection. */
    public synchronized ChunkInfo chunk(long connectionId, int index) {
        Entry e = connections.get(connectionId);
        if (e == null || index < 0 || index >= e.chunks.size()) {
            throw new IndexOutOfBoundsException("no chunk " + index + " in connection " + connectionId);
        }
        return e.chunks.get(connectionId, index);
    }

    /** All chunks of that connection in order (a snapshot; empty for an unknown id). */
    public List<ChunkInfo> chunks(long connectionId) {
        return chunks(connectionId, 0, Integer.MAX_VALUE);
    }

    /** Up to {@code count} chunks of that connection starting at {@code from} (a snapshot). */
    public synchronized List<ChunkInfo> chunks(long connectionId, int from, int count) {
        Entry e = connections.get(connectionId);
        if (e == null || from >= e.chunks.size()) {
            return List.of();
        }
        int to = (int) Math.min(e.chunks.size(), (long) Math.max(from, 0) + count);
        List<ChunkInfo> out = new ArrayList<>(to - from);
        for (int i = Math.max(from, 0); i < to; i++) {
            out.add(e.chunks.get(connectionId, i));
        }
        return out;
    }

    // ---- filled by the recorder and the file reader (one thread) ----

    /** Adds a connection; replaces nothing if the id is already known (returns the known one). */
    synchronized ConnectionInfo add(ConnectionInfo info) {
        Entry e = connections.get(info.id());
        if (e != null) {
            return e.info;
        }
        connections.put(info.id(), new Entry(info));
        added++;
        return info;
    }

    /**
     * Replaces a known connection's info by {@code change} applied to it, in one look-up; returns the
     * new info, or null for an unknown id (or when {@code change} returns null).
     */
    synchronized ConnectionInfo update(long id, UnaryOperator<ConnectionInfo> change) {
        Entry e = connections.get(id);
        if (e == null) {
            return null;
        }
        ConnectionInfo changed = change.apply(e.info);
        if (changed != null) {
            if (e.info.isOpen() && !changed.isOpen()) {
                e.chunks.trim();
            }
            e.info = changed;
        }
        return changed;
    }

    /** Appends a chunk to a known connection, counting its bytes; returns the stored chunk or null. */
    synchronized ChunkInfo addChunk(long connectionId, Direction direction, long timeNanos, int originalLength,
            int forwardedLength, boolean edited, boolean dropped, boolean injected, long fileOffset) {
        Entry e = connections.get(connectionId);
        if (e == null) {
            return null;
        }
        int index = e.chunks.size();
        e.chunks.add(direction, timeNanos, originalLength, forwardedLength, edited, dropped, injected, fileOffset);
        e.info = e.info.withChunk(direction, dropped ? 0 : forwardedLength);
        return new ChunkInfo(connectionId, index, direction, timeNanos, originalLength, forwardedLength, edited,
                dropped, injected, fileOffset);
    }

    /** TLS on a connection's legs, in the order it happened (empty for a plain connection). */
    public synchronized List<EngineEvent.Tls> tls(long connectionId) {
        Entry e = connections.get(connectionId);
        return e == null || e.tls == null ? List.of() : List.copyOf(e.tls);
    }

    /**
     * What the TLS column says: the client leg's version ({@code TLSv1.3}), with {@code STARTTLS} when it
     * began mid-session, {@code passthrough}, or {@code failed: why}; empty for a plain connection.
     */
    public synchronized String tlsSummary(long connectionId) {
        Entry e = connections.get(connectionId);
        if (e == null || e.tls == null) {
            return "";
        }
        String summary = "";
        for (EngineEvent.Tls t : e.tls) {
            switch (t.kind()) {
                case PASSTHROUGH -> {
                    return "passthrough";
                }
                case FAILED -> {
                    return "failed" + (t.detail() == null ? "" : ": " + t.detail());
                }
                case HANDSHAKE_DONE -> { }
            }
            if (t.side() == wirelens.engine.Side.CLIENT || summary.isEmpty()) {
                summary = (t.startTls() ? "STARTTLS " : "") + t.facts().protocol()
                        + (t.facts().verified() ? "" : " (server not verified)");
            }
        }
        return summary;
    }

    /** The server name (SNI) the client asked for over TLS, or null (plain TCP, or no SNI sent). */
    public synchronized String serverName(long connectionId) {
        Entry e = connections.get(connectionId);
        if (e == null || e.tls == null) {
            return null;
        }
        for (EngineEvent.Tls t : e.tls) {
            if (t.facts() != null && t.facts().serverName() != null) {
                return t.facts().serverName();
            }
        }
        return null;
    }

    /** A proxy connection's handshake with its client (SOCKS5), or null (none, or not known yet). */
    public synchronized EngineEvent.ProxyHandshake proxyHandshake(long connectionId) {
        Entry e = connections.get(connectionId);
        return e == null ? null : e.proxyHandshake;
    }

    synchronized boolean setProxyHandshake(EngineEvent.ProxyHandshake h) {
        Entry e = connections.get(h.connectionId());
        if (e == null) {
            return false;
        }
        e.proxyHandshake = h;
        return true;
    }

    synchronized boolean addTls(EngineEvent.Tls t) {
        Entry e = connections.get(t.connectionId());
        if (e == null) {
            return false;
        }
        if (e.tls == null) {
            e.tls = new ArrayList<>(2);
        }
        e.tls.add(certificates.intern(t));
        return true;
    }

    private static final class Entry {
        ConnectionInfo info;
        final ChunkTable chunks = new ChunkTable();
        List<EngineEvent.Tls> tls;
        EngineEvent.ProxyHandshake proxyHandshake;

        Entry(ConnectionInfo info) {
            this.info = info;
        }
    }
}
