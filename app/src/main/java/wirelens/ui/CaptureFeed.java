package wirelens.ui;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import wirelens.capture.CaptureUpdate;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.Direction;

/**
 * The bridge from the recorder's writer thread to the FX thread. The writer thread only puts the latest
 * state of each changed connection into concurrent maps (chunk bytes are never kept: views read them
 * back from the capture file), and the window drains everything at most once per pulse. So a burst of
 * a million chunks costs the FX thread one row update per connection per drain, never one
 * {@code runLater} per chunk.
 */
final class CaptureFeed implements Consumer<List<CaptureUpdate>> {

    /** What happened since the last drain. */
    record Batch(List<ConnectionInfo> connections, Set<Long> targetConnected, List<CaptureUpdate> other) {
        boolean isEmpty() {
            return connections.isEmpty() && targetConnected.isEmpty() && other.isEmpty();
        }
    }

    private final Map<Long, ConnectionInfo> changed = new ConcurrentHashMap<>();
    private final Set<Long> connected = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<CaptureUpdate> other = new ConcurrentLinkedQueue<>();

    /** Called by the recorder on its writer thread, in order. */
    @Override
    public void accept(List<CaptureUpdate> updates) {
        for (CaptureUpdate u : updates) {
            if (u instanceof CaptureUpdate.ConnectionOpened o) {
                changed.put(o.connection().id(), o.connection());
            } else if (u instanceof CaptureUpdate.ConnectionChanged c) {
                changed.put(c.connection().id(), c.connection());
                connected.add(c.connection().id());
            } else if (u instanceof CaptureUpdate.ChunkAdded a) {
                changed.put(a.connection().id(), a.connection());
                if (a.chunk().direction() == Direction.SERVER_TO_CLIENT) {
                    connected.add(a.connection().id());
                }
            } else if (u instanceof CaptureUpdate.ConnectionEnded e) {
                changed.put(e.connection().id(), e.connection());
            } else if (u instanceof CaptureUpdate.OriginChosen o) {
                changed.put(o.connection().id(), o.connection());
            } else {
                other.add(u);
            }
        }
    }

    /** Takes everything collected so far (FX thread, at most once per pulse). */
    Batch drain() {
        List<ConnectionInfo> connections = new ArrayList<>();
        for (Long id : changed.keySet()) {
            ConnectionInfo info = changed.remove(id);
            if (info != null) {
                connections.add(info);
            }
        }
        connections.sort(Comparator.comparingLong(ConnectionInfo::id));
        Set<Long> targets = Set.of();
        if (!connected.isEmpty()) {
            targets = new java.util.HashSet<>();
            for (Long id : connected) {
                if (connected.remove(id)) {
                    targets.add(id);
                }
            }
        }
        List<CaptureUpdate> rest = new ArrayList<>();
        CaptureUpdate u;
        while ((u = other.poll()) != null) {
            rest.add(u);
        }
        return new Batch(connections, targets, rest);
    }
}
