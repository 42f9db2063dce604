package wirelens.capture;

import java.net.InetSocketAddress;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.ListenerConfig;

/** Builds synthetic engine events for capture tests. */
final class Events {
    static final ListenerConfig LISTENER = ListenerConfig.forward("127.0.0.1", 2626, "127.0.0.1", 2525);
    private long time = 1_700_000_000_000_000_000L;

    long tick() {
        time += 1_234_567;
        return time;
    }

    EngineEvent.Opened opened(long id, String clientHost, int clientPort, String targetHost, int targetPort) {
        return new EngineEvent.Opened(id, 1, LISTENER, new InetSocketAddress(clientHost, clientPort),
                new InetSocketAddress(targetHost, targetPort), tick());
    }

    EngineEvent.TargetConnected connected(long id, String host, int port) {
        return new EngineEvent.TargetConnected(id, new InetSocketAddress(host, port), tick());
    }

    EngineEvent.Origin origin(long id, String hostPort) {
        return new EngineEvent.Origin(id, tick(), hostPort);
    }

    EngineEvent.Chunk chunk(long id, Direction d, byte[] bytes) {
        return new EngineEvent.Chunk(id, d, tick(), bytes, bytes);
    }

    EngineEvent.Chunk edited(long id, Direction d, byte[] original, byte[] forwarded) {
        return new EngineEvent.Chunk(id, d, tick(), original, forwarded);
    }

    EngineEvent.HalfClosed halfClosed(long id, Direction d) {
        return new EngineEvent.HalfClosed(id, d, tick());
    }

    EngineEvent.Closed closed(long id, long c2s, long s2c, boolean reset) {
        return new EngineEvent.Closed(id, tick(), c2s, s2c, reset);
    }

    EngineEvent.Failed failed(long id, String message) {
        return new EngineEvent.Failed(id, tick(), message, 0, 0);
    }
}
