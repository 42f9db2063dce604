package wirelens.capture;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import wirelens.engine.Direction;
import wirelens.engine.ListenerKind;
import wirelens.proto.http.Exchange;
import wirelens.proto.http.ExchangeLog;

/**
 * Live HTTP exchanges of every connection that carries HTTP/1.x: subscribe it to a {@link Recorder}
 * and ask for a connection's exchanges at any time (e.g. once per UI pulse, when {@link #version}
 * changed). Connections of an HTTP proxy listener are HTTP; others are when the client's first bytes
 * are a request line. Keeps heads and body ranges only; read bodies with
 * {@link HttpExchanges#stream} and {@code Bodies}.
 */
public final class HttpTracker implements Consumer<List<CaptureUpdate>> {

    private static final class Tracked {
        final ExchangeLog log = new ExchangeLog();
        volatile Boolean http;
        boolean clientEof;
        boolean serverEof;
    }

    private final Map<Long, Tracked> connections = new ConcurrentHashMap<>();

    @Override
    public void accept(List<CaptureUpdate> batch) {
        for (CaptureUpdate update : batch) {
            if (update instanceof CaptureUpdate.ConnectionOpened o) {
                Tracked t = new Tracked();
                if (o.connection().listenerKind() == ListenerKind.HTTP) {
                    t.http = true;
                }
                connections.put(o.connection().id(), t);
            } else if (update instanceof CaptureUpdate.ChunkAdded c) {
                chunk(c);
            } else if (update instanceof CaptureUpdate.ConnectionChanged c) {
                ends(c.connection(), false);
            } else if (update instanceof CaptureUpdate.ConnectionEnded e) {
                ends(e.connection(), true);
            }
        }
    }

    private void chunk(CaptureUpdate.ChunkAdded c) {
        Tracked t = connections.get(c.chunk().connectionId());
        if (t == null || c.chunk().forwardedLength() == 0 || Boolean.FALSE.equals(t.http)) {
            return;
        }
        byte[] bytes = c.forwarded();
        boolean fromClient = c.chunk().direction() == Direction.CLIENT_TO_SERVER;
        if (t.http == null) {
            t.http = fromClient && ExchangeLog.looksLikeHttpRequest(bytes, bytes.length);
            if (!t.http) {
                return; // remembered as not HTTP: later chunks are ignored
            }
        }
        synchronized (t) {
            t.log.onBytes(fromClient, bytes, c.chunk().timeNanos());
        }
    }

    private void ends(ConnectionInfo info, boolean ended) {
        Tracked t = connections.get(info.id());
        if (t == null || !Boolean.TRUE.equals(t.http)) {
            return;
        }
        synchronized (t) {
            if (!t.clientEof && (info.clientFinished() || ended)) {
                t.clientEof = true;
                t.log.onEof(true, info.closedNanos());
            }
            if (!t.serverEof && (info.serverFinished() || ended)) {
                t.serverEof = true;
                t.log.onEof(false, info.closedNanos());
            }
        }
    }

    /** True once the connection is known to carry HTTP. */
    public boolean isHttp(long connectionId) {
        Tracked t = connections.get(connectionId);
        return t != null && Boolean.TRUE.equals(t.http);
    }

    /** Snapshots of the connection's exchanges so far (empty when it is not HTTP). Any thread. */
    public List<Exchange> exchanges(long connectionId) {
        Tracked t = connections.get(connectionId);
        if (t == null || !Boolean.TRUE.equals(t.http)) {
            return List.of();
        }
        synchronized (t) {
            return t.log.exchanges();
        }
    }

    /** Grows whenever the connection's exchanges changed; -1 for unknown connections. */
    public long version(long connectionId) {
        Tracked t = connections.get(connectionId);
        if (t == null) {
            return -1;
        }
        synchronized (t) {
            return t.log.version();
        }
    }

    /** Forgets a connection (e.g. when the user clears the list). */
    public void forget(long connectionId) {
        connections.remove(connectionId);
    }
}
