package wirelens.capture;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import wirelens.engine.Direction;
import wirelens.engine.Hosts;
import wirelens.engine.ListenerKind;

/**
 * One recorded connection as the index knows it. Immutable: the index replaces it whenever something
 * changes, so a subscriber may keep the instance it was given.
 *
 * @param id                  the engine's connection id (unique within one capture)
 * @param listenerId          the engine's listener id
 * @param listenerName        the listener's name when the connection was accepted
 * @param listenerKind        forward or http
 * @param client              the client's address
 * @param target              where the engine connected (updated once the target is connected)
 * @param origins             an HTTP proxy connection's origins ({@code HOST:PORT} of a request or CONNECT),
 *                            in the order the proxy went to them; empty for other listeners
 * @param openedNanos         accept time, epoch nanoseconds
 * @param closedNanos         end time, epoch nanoseconds; 0 while {@link ConnectionEnd#OPEN}
 * @param end                 how it ended
 * @param endReason           why it ended: the error of a {@link ConnectionEnd#FAILED} one, the reason of a
 *                            close Wirelens chose ("idle timeout 5m", "by the user"); null for an end the peers brought about
 * @param bytesClientToServer bytes forwarded from client to target (after edits)
 * @param bytesServerToClient bytes forwarded from target to client (after edits)
 * @param chunkCount          chunks recorded in both directions
 * @param clientFinished      the client half-closed (sent EOF)
 * @param serverFinished      the target half-closed (sent EOF)
 */
public record ConnectionInfo(
        long id,
        int listenerId,
        String listenerName,
        ListenerKind listenerKind,
        InetSocketAddress client,
        InetSocketAddress target,
        List<String> origins,
        long openedNanos,
        long closedNanos,
        ConnectionEnd end,
        String endReason,
        long bytesClientToServer,
        long bytesServerToClient,
        int chunkCount,
        boolean clientFinished,
        boolean serverFinished) {

    public ConnectionInfo {
        origins = List.copyOf(origins);
    }

    /** Where an HTTP proxy connection's requests go now, or null before the first request (and for other listeners). */
    public String origin() {
        return origins.isEmpty() ? null : origins.get(origins.size() - 1);
    }

    /** Where the connection goes, for people: {@link #origin()} when there is one, else the target's address. */
    public String destination() {
        String origin = origin();
        return origin != null ? origin : Hosts.format(target);
    }

    public boolean isOpen() {
        return end == ConnectionEnd.OPEN;
    }

    /** Time from accept to end, or 0 while open. */
    public long durationNanos() {
        return closedNanos == 0 ? 0 : closedNanos - openedNanos;
    }

    public long bytes(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? bytesClientToServer : bytesServerToClient;
    }

    public boolean finished(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? clientFinished : serverFinished;
    }

    ConnectionInfo withTarget(InetSocketAddress newTarget) {
        return new ConnectionInfo(id, listenerId, listenerName, listenerKind, client, newTarget, origins, openedNanos,
                closedNanos, end, endReason, bytesClientToServer, bytesServerToClient, chunkCount, clientFinished,
                serverFinished);
    }

    ConnectionInfo withOrigin(String origin) {
        List<String> all = new ArrayList<>(origins);
        all.add(origin);
        return new ConnectionInfo(id, listenerId, listenerName, listenerKind, client, target, all, openedNanos,
                closedNanos, end, endReason, bytesClientToServer, bytesServerToClient, chunkCount, clientFinished,
                serverFinished);
    }

    ConnectionInfo withChunk(Direction direction, int forwardedLength) {
        boolean c2s = direction == Direction.CLIENT_TO_SERVER;
        return new ConnectionInfo(id, listenerId, listenerName, listenerKind, client, target, origins, openedNanos,
                closedNanos, end, endReason, bytesClientToServer + (c2s ? forwardedLength : 0),
                bytesServerToClient + (c2s ? 0 : forwardedLength), chunkCount + 1, clientFinished, serverFinished);
    }

    ConnectionInfo withFinished(Direction direction) {
        boolean c2s = direction == Direction.CLIENT_TO_SERVER;
        return new ConnectionInfo(id, listenerId, listenerName, listenerKind, client, target, origins, openedNanos,
                closedNanos, end, endReason, bytesClientToServer, bytesServerToClient, chunkCount,
                clientFinished || c2s, serverFinished || !c2s);
    }

    /**
     * The end, with the engine's byte counts where they are higher (they are when the engine was told
     * not to report chunks, e.g. a headless run without a capture file).
     */
    ConnectionInfo withEnd(ConnectionEnd newEnd, long timeNanos, String why, long engineClientToServer,
            long engineServerToClient) {
        return new ConnectionInfo(id, listenerId, listenerName, listenerKind, client, target, origins, openedNanos,
                timeNanos, newEnd, why, Math.max(bytesClientToServer, engineClientToServer),
                Math.max(bytesServerToClient, engineServerToClient), chunkCount, clientFinished, serverFinished);
    }
}
