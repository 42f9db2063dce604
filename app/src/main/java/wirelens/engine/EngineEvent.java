package wirelens.engine;

import java.net.InetSocketAddress;

/**
 * Everything the engine reports. Events of one connection are published in order: {@link Opened}, then
 * any number of {@link Origin}, {@link Chunk}, {@link TargetConnected} and {@link HalfClosed}, then
 * exactly one of {@link Closed} or {@link Failed}. Times are wall-clock nanoseconds since the epoch
 * ({@link EpochClock}).
 */
public sealed interface EngineEvent {

    /** Approximate heap bytes this event holds, for the queue's budget. */
    default int weight() {
        return 64;
    }

    record ListenerStarted(int listenerId, ListenerConfig config, InetSocketAddress bound) implements EngineEvent {}

    record ListenerFailed(int listenerId, ListenerConfig config, String message) implements EngineEvent {}

    record ListenerStopped(int listenerId, ListenerConfig config) implements EngineEvent {}

    /**
     * A client was accepted. {@code target} is where the engine connects (for an HTTP proxy the
     * listener's own address until a request names an origin).
     */
    record Opened(long connectionId, int listenerId, ListenerConfig listener, InetSocketAddress client,
            InetSocketAddress target, long timeNanos) implements EngineEvent {}

    /**
     * An HTTP proxy connection's requests go to {@code origin} ({@code HOST:PORT} of a request's URL or of
     * a CONNECT) from now on: sent as the proxy starts connecting to it, so before {@link TargetConnected}
     * or the failure. A kept-alive connection may go to several origins, one after another.
     */
    record Origin(long connectionId, long timeNanos, String origin) implements EngineEvent {}

    /** The upstream connection is established; {@code target} is the resolved peer address. */
    record TargetConnected(long connectionId, InetSocketAddress target, long timeNanos) implements EngineEvent {}

    /**
     * Bytes read from one side. {@code forwardedPayload} is what was sent on: the same object as
     * {@code originalPayload} when nothing changed it, other bytes when a rule or the user edited it,
     * and {@code null} when the chunk was dropped. Injected chunks have an empty original. A payload
     * may be a lent engine buffer: the consumer of the events releases it ({@link #release()}) once done.
     */
    record Chunk(long connectionId, Direction direction, long timeNanos, Payload originalPayload,
            Payload forwardedPayload) implements EngineEvent {

        /** A chunk of heap arrays; {@code forwarded} may be the same array as {@code original}, or null. */
        public Chunk(long connectionId, Direction direction, long timeNanos, byte[] original, byte[] forwarded) {
            this(connectionId, direction, timeNanos, Payload.of(original), forwarded, original);
        }

        private Chunk(long connectionId, Direction direction, long timeNanos, Payload original, byte[] forwarded,
                byte[] originalArray) {
            this(connectionId, direction, timeNanos, original,
                    forwarded == null ? null : forwarded == originalArray ? original : Payload.of(forwarded));
        }

        /** The bytes read (copied out of a lent buffer on first use). */
        public byte[] original() {
            return originalPayload.bytes();
        }

        /** The bytes sent on, or null when dropped. */
        public byte[] forwarded() {
            return forwardedPayload == null ? null : forwardedPayload.bytes();
        }

        public int originalLength() {
            return originalPayload.length();
        }

        /** Bytes sent on (0 when dropped). */
        public int forwardedLength() {
            return forwardedPayload == null ? 0 : forwardedPayload.length();
        }

        public boolean edited() {
            return forwardedPayload != originalPayload;
        }

        public boolean dropped() {
            return forwardedPayload == null;
        }

        /** Gives lent buffers back to the engine. */
        public void release() {
            originalPayload.release();
            if (forwardedPayload != null) {
                forwardedPayload.release();
            }
        }

        @Override
        public int weight() {
            int w = 64 + originalPayload.weight();
            return edited() && forwardedPayload != null ? w + forwardedPayload.weight() : w;
        }
    }

    /** The sender of {@code direction} finished sending (EOF); the other direction may go on. */
    record HalfClosed(long connectionId, Direction direction, long timeNanos) implements EngineEvent {}

    /**
     * The connection ended normally (both sides finished, or one side reset after data). {@code reason}
     * says why when Wirelens chose to end it ("idle timeout 5m", "request head timeout 60s", "by the
     * user", "Wirelens stopped"), else null.
     */
    record Closed(long connectionId, long timeNanos, long bytesClientToServer, long bytesServerToClient,
            boolean reset, String reason) implements EngineEvent {

        /** An end the peers brought about, with no reason of the engine's. */
        public Closed(long connectionId, long timeNanos, long bytesClientToServer, long bytesServerToClient,
                boolean reset) {
            this(connectionId, timeNanos, bytesClientToServer, bytesServerToClient, reset, null);
        }
    }

    /**
     * A proxy's own negotiation with its client before the connection carried data (a SOCKS5 greeting,
     * login and request), which is not stream data: {@code summary} is its one line ("SOCKS5 CONNECT
     * example.com:443 → succeeded"), {@code host}/{@code port} the target the client asked for (null and 0
     * when it asked for none), {@code fromClient}/{@code toClient} the bytes each way (a password in them
     * is blanked out).
     */
    record ProxyHandshake(long connectionId, long timeNanos, String summary, String host, int port,
            byte[] fromClient, byte[] toClient) implements EngineEvent {

        /** The requested target as {@code host:port}, or null. */
        public String requested() {
            return host == null ? null : Hosts.format(host, port);
        }

        @Override
        public int weight() {
            return 64 + fromClient.length + toClient.length;
        }
    }

    /** Something the user should hear about that is not the end of a connection (0 = no connection). */
    record Notice(long connectionId, long timeNanos, String message) implements EngineEvent {}

    /** The connection ended in an error, e.g. the target refused or timed out. */
    record Failed(long connectionId, long timeNanos, String message, long bytesClientToServer,
            long bytesServerToClient) implements EngineEvent {}

    /**
     * TLS on one leg of a connection: {@code side} CLIENT is the client ↔ Wirelens leg, TARGET the
     * Wirelens ↔ server leg. {@code facts} when the handshake is done (null otherwise); {@code startTls}
     * when TLS began in the middle of a session at the server's go-ahead; {@code detail} says where a
     * passthrough went ({@code HOST:PORT}) or why a leg failed (null: nothing to add); {@code rejectedChain}
     * the certificates (DER, leaf first) of a server that failed verification, for the user to choose to
     * trust (empty otherwise), and {@code server} its {@code HOST:PORT} as passthrough lists match it (null
     * otherwise).
     */
    record Tls(long connectionId, long timeNanos, Side side, Kind kind, boolean startTls,
            wirelens.tls.TlsFacts facts, String detail, java.util.List<byte[]> rejectedChain, String server)
            implements EngineEvent {

        public enum Kind {
            /** The leg's handshake is done: {@code facts} say what was agreed. */
            HANDSHAKE_DONE,
            /** Relayed untouched, not decrypted; {@code detail} is the {@code HOST:PORT} it matched. */
            PASSTHROUGH,
            /** The leg's handshake failed; {@code detail} says why. */
            FAILED
        }

        public Tls {
            rejectedChain = rejectedChain == null ? java.util.List.of() : java.util.List.copyOf(rejectedChain);
            java.util.Objects.requireNonNull(kind);
            if ((kind == Kind.HANDSHAKE_DONE) != (facts != null)) {
                throw new IllegalArgumentException("facts go with a finished handshake, and only with it");
            }
        }

        public static Tls done(long connectionId, long timeNanos, Side side, wirelens.tls.TlsFacts facts,
                boolean startTls) {
            return new Tls(connectionId, timeNanos, side, Kind.HANDSHAKE_DONE, startTls, facts, null, null, null);
        }

        public static Tls passthrough(long connectionId, long timeNanos, Side side, String hostPort) {
            return new Tls(connectionId, timeNanos, side, Kind.PASSTHROUGH, false, null, hostPort, null, null);
        }

        public static Tls failed(long connectionId, long timeNanos, Side side, String why, boolean startTls) {
            return new Tls(connectionId, timeNanos, side, Kind.FAILED, startTls, null, why, null, null);
        }

        /** The certificates ({@code chain}, DER, leaf first) of {@code server} failed verification: {@code why}. */
        public static Tls untrusted(long connectionId, long timeNanos, String server, String why,
                java.util.List<byte[]> chain, boolean startTls) {
            return new Tls(connectionId, timeNanos, Side.TARGET, Kind.FAILED, startTls, null, why, chain, server);
        }
    }
}
