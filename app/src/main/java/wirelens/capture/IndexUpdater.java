package wirelens.capture;

import java.net.InetSocketAddress;
import java.util.List;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.ListenerKind;

/**
 * Applies what happened to a {@link CaptureIndex} and says so as {@link CaptureUpdate}s. Used by the
 * recorder for live events and by the file scanner for records read back, so both build the same index.
 */
final class IndexUpdater {
    private final CaptureIndex index;

    IndexUpdater(CaptureIndex index) {
        this.index = index;
    }

    /** Applies a live engine event; {@code chunkOffset} is where a chunk's record went (-1: not in a file). */
    void apply(EngineEvent event, long chunkOffset, List<CaptureUpdate> out) {
        if (event instanceof EngineEvent.Opened o) {
            add(opened(o.connectionId(), o.listenerId(), o.listener().name(), o.listener().kind(), o.client(),
                    o.target(), o.timeNanos()), out);
        } else if (event instanceof EngineEvent.TargetConnected t) {
            target(t.connectionId(), t.target(), out);
        } else if (event instanceof EngineEvent.Origin o) {
            origin(o.connectionId(), o.origin(), out);
        } else if (event instanceof EngineEvent.Chunk c) {
            boolean dropped = c.dropped();
            ChunkInfo chunk = chunk(c.connectionId(), c.direction(), c.timeNanos(), c.originalLength(),
                    c.forwardedLength(), c.edited(), dropped, !dropped && c.originalLength() == 0, chunkOffset);
            if (chunk != null && out != null) {
                ConnectionInfo info = index.connection(c.connectionId()).orElseThrow();
                out.add(new CaptureUpdate.ChunkAdded(chunk, info, c));
            }
        } else if (event instanceof EngineEvent.HalfClosed h) {
            halfClosed(h.connectionId(), h.direction(), out);
        } else if (event instanceof EngineEvent.Closed c) {
            ended(c.connectionId(), c.reset() ? ConnectionEnd.RESET : ConnectionEnd.CLOSED, c.timeNanos(), c.reason(),
                    c.bytesClientToServer(), c.bytesServerToClient(), out);
        } else if (event instanceof EngineEvent.Failed f) {
            ended(f.connectionId(), ConnectionEnd.FAILED, f.timeNanos(),
                    f.message() == null ? "failed" : f.message(), f.bytesClientToServer(), f.bytesServerToClient(), out);
        } else if (event instanceof EngineEvent.Notice n) {
            if (out != null) {
                out.add(new CaptureUpdate.Notice(n));
            }
        } else if (event instanceof EngineEvent.Tls t) {
            if (index.addTls(t) && out != null) {
                out.add(new CaptureUpdate.Tls(t));
            }
        } else if (event instanceof EngineEvent.ProxyHandshake h) {
            proxyHandshake(h, out);
        } else if (out != null) {
            out.add(new CaptureUpdate.ListenerChanged(event));
        }
    }

    static ConnectionInfo opened(long id, int listenerId, String listenerName, ListenerKind kind,
            InetSocketAddress client, InetSocketAddress target, long timeNanos) {
        return new ConnectionInfo(id, listenerId, listenerName, kind, client, target, List.of(), timeNanos, 0,
                ConnectionEnd.OPEN, null, 0, 0, 0, false, false);
    }

    /** Returns false when the id was already known (the second one is ignored). */
    boolean add(ConnectionInfo info, List<CaptureUpdate> out) {
        ConnectionInfo stored = index.add(info);
        if (stored != info) {
            return false;
        }
        if (out != null) {
            out.add(new CaptureUpdate.ConnectionOpened(info));
        }
        return true;
    }

    boolean target(long id, InetSocketAddress target, List<CaptureUpdate> out) {
        return changed(index.update(id, c -> c.withTarget(target)), out);
    }

    /** Returns false when the id was unknown; an origin the connection has already as its latest changes nothing. */
    boolean origin(long id, String origin, List<CaptureUpdate> out) {
        ConnectionInfo before = index.connection(id).orElse(null);
        if (before == null) {
            return false;
        }
        if (!origin.equals(before.origin())) {
            ConnectionInfo info = index.update(id, c -> c.withOrigin(origin));
            if (info != null && out != null) {
                out.add(new CaptureUpdate.OriginChosen(info));
            }
        }
        return true;
    }

    boolean tls(EngineEvent.Tls t) {
        return index.addTls(t);
    }

    /** Keeps a connection's proxy handshake (a SOCKS5 one: the target it asked for, the one line). */
    boolean proxyHandshake(EngineEvent.ProxyHandshake h, List<CaptureUpdate> out) {
        if (!index.setProxyHandshake(h)) {
            return false;
        }
        if (out != null) {
            out.add(new CaptureUpdate.ProxyHandshake(h));
        }
        return true;
    }

    boolean halfClosed(long id, Direction direction, List<CaptureUpdate> out) {
        return changed(index.update(id, c -> c.withFinished(direction)), out);
    }

    ChunkInfo chunk(long id, Direction direction, long timeNanos, int originalLength, int forwardedLength,
            boolean edited, boolean dropped, boolean injected, long offset) {
        return index.addChunk(id, direction, timeNanos, originalLength, forwardedLength, edited, dropped, injected,
                offset);
    }

    boolean ended(long id, ConnectionEnd end, long timeNanos, String reason, long clientToServer,
            long serverToClient, List<CaptureUpdate> out) {
        ConnectionInfo info = index.update(id, c -> c.withEnd(end, timeNanos, reason, clientToServer, serverToClient));
        if (info == null) {
            return false;
        }
        if (out != null) {
            out.add(new CaptureUpdate.ConnectionEnded(info));
        }
        return true;
    }

    /** Tells of a connection {@code info} changed to (null: the id was unknown, nothing changed). */
    private boolean changed(ConnectionInfo info, List<CaptureUpdate> out) {
        if (info == null) {
            return false;
        }
        if (out != null) {
            out.add(new CaptureUpdate.ConnectionChanged(info));
        }
        return true;
    }
}
