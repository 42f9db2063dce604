package wirelens.engine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import wirelens.proto.http.Exchange;
import wirelens.proto.http.ExchangeLog;
import wirelens.proto.http.MemoryByteSource;

/**
 * What an HTTP proxy's connections carried, built from the engine's events as the capture does: an
 * {@link ExchangeLog} per connection, and the first few MiB of each stream in memory for reading bodies
 * back. Feed it with {@code new EngineRig(options).keepEvents(false).onEvent(exchanges)}.
 */
final class ProxiedExchanges implements Consumer<EngineEvent> {
    private static final long KEEP_BYTES = 4L * 1024 * 1024;

    /** What was learned about one client connection. */
    static final class Conn {
        final ExchangeLog log = new ExchangeLog();
        final MemoryByteSource c2s = new MemoryByteSource();
        final MemoryByteSource s2c = new MemoryByteSource();
        volatile String end;
        /** The origins the engine named for it, in order. */
        final List<String> origins = new java.util.concurrent.CopyOnWriteArrayList<>();
        private boolean c2sFull;
        private boolean s2cFull;

        synchronized List<Exchange> exchanges() {
            return log.exchanges();
        }
    }

    final Map<Long, Conn> connections = new ConcurrentHashMap<>();

    @Override
    public void accept(EngineEvent event) {
        if (event instanceof EngineEvent.Opened o) {
            connections.put(o.connectionId(), new Conn());
        } else if (event instanceof EngineEvent.Chunk c && c.forwarded() != null) {
            Conn conn = connections.get(c.connectionId());
            synchronized (conn) {
                boolean up = c.direction() == Direction.CLIENT_TO_SERVER;
                conn.log.onBytes(up, c.forwarded(), c.timeNanos());
                MemoryByteSource keep = up ? conn.c2s : conn.s2c;
                if (up ? conn.c2sFull : conn.s2cFull) {
                    return;
                }
                if (keep.size() + c.forwarded().length > KEEP_BYTES) {
                    if (up) {
                        conn.c2sFull = true;
                    } else {
                        conn.s2cFull = true;
                    }
                } else {
                    keep.append(c.forwarded());
                }
            }
        } else if (event instanceof EngineEvent.Origin o) {
            connections.get(o.connectionId()).origins.add(o.origin());
        } else if (event instanceof EngineEvent.HalfClosed h) {
            Conn conn = connections.get(h.connectionId());
            synchronized (conn) {
                conn.log.onEof(h.direction() == Direction.CLIENT_TO_SERVER, h.timeNanos());
            }
        } else if (event instanceof EngineEvent.Closed c) {
            connections.get(c.connectionId()).end = c.reset() ? "reset" : "closed";
        } else if (event instanceof EngineEvent.Failed f) {
            connections.get(f.connectionId()).end = "failed: " + f.message();
        }
    }
}
