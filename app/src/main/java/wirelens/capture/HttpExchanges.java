package wirelens.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.ListenerKind;
import wirelens.engine.Side;
import wirelens.proto.http.ByteSource;
import wirelens.proto.http.ExchangeLog;
import wirelens.proto.http.HarExport;

/**
 * HTTP views of recorded connections: whether a connection carries HTTP/1.x, its exchanges, and its
 * byte streams as {@link ByteSource}s so bodies are read back from the file by range, never held
 * whole. Uses the forwarded bytes, i.e. what each peer actually received, and the connection's TLS
 * record to tell requests that came over decrypted TLS ({@code https://}) from plain ones.
 */
public final class HttpExchanges {

    private HttpExchanges() {}

    /** True for connections of an HTTP proxy listener, and for others whose client starts with a request line. */
    /** What {@link #exportHar} wrote. */
    public record HarWritten(Path file, int exchanges, int httpConnections, int allConnections) {}

    /**
     * Writes every HTTP exchange of a capture to {@code har} as HAR 1.2. The file appears whole or not
     * at all: it is written beside the target and moved into place.
     */
    public static HarWritten exportHar(CaptureFile file, Path har) throws IOException {
        List<HarExport.Connection> connections = new ArrayList<>();
        int exchanges = 0;
        for (ConnectionInfo c : file.index().connections()) {
            if (isHttp(file, c)) {
                HarExport.Connection hc = forHar(file, c);
                connections.add(hc);
                exchanges += (int) hc.exchanges().stream().filter(e -> e.request() != null).count();
            }
        }
        Path absolute = har.toAbsolutePath();
        Path temp = Files.createTempFile(absolute.getParent(), ".wirelens-", ".har");
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                HarExport.write(connections, out);
            }
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        return new HarWritten(absolute, exchanges, connections.size(), file.index().connectionCount());
    }

    public static boolean isHttp(CaptureFile file, ConnectionInfo connection) throws IOException {
        if (connection.listenerKind() == ListenerKind.HTTP) {
            return true;
        }
        // the first client bytes decide: look at the first chunks only, not a snapshot of the whole index
        for (ChunkInfo chunk : file.index().chunks(connection.id(), 0, 1024)) {
            if (chunk.direction() == Direction.CLIENT_TO_SERVER && chunk.forwardedLength() > 0 && chunk.inFile()) {
                byte[] first = file.forwarded(chunk);
                return ExchangeLog.looksLikeHttpRequest(first, first.length);
            }
        }
        return false;
    }

    /**
     * When the client's leg of the connection began TLS that Wirelens decrypted (the time of its finished
     * handshake: the chunks recorded from then on are decrypted), or {@link Long#MAX_VALUE} for none yet.
     */
    public static long clientTlsFrom(CaptureIndex index, long connectionId) {
        for (EngineEvent.Tls t : index.tls(connectionId)) {
            if (t.side() == Side.CLIENT && t.kind() == EngineEvent.Tls.Kind.HANDSHAKE_DONE) {
                return t.timeNanos();
            }
        }
        return Long.MAX_VALUE;
    }

    /** Decodes every exchange of the connection (ends included once the connection has ended). */
    public static ExchangeLog decode(CaptureFile file, long connectionId) throws IOException {
        ExchangeLog log = new ExchangeLog();
        long tlsFrom = clientTlsFrom(file.index(), connectionId);
        for (ChunkInfo chunk : file.index().chunks(connectionId)) {
            if (chunk.timeNanos() >= tlsFrom) {
                log.clientSpokeTls();
                tlsFrom = Long.MAX_VALUE;
            }
            if (chunk.forwardedLength() == 0 || !chunk.inFile()) {
                continue;
            }
            log.onBytes(chunk.direction() == Direction.CLIENT_TO_SERVER, file.forwarded(chunk), chunk.timeNanos());
        }
        ConnectionInfo info = file.index().connection(connectionId).orElse(null);
        if (info != null) {
            long end = info.closedNanos();
            if (info.clientFinished() || !info.isOpen()) {
                log.onEof(true, end);
            }
            if (info.serverFinished() || !info.isOpen()) {
                log.onEof(false, end);
            }
        }
        return log;
    }

    /** The forwarded bytes of one direction, addressed by stream position (what body ranges refer to). */
    public static ByteSource stream(CaptureFile file, long connectionId, Direction direction) {
        List<ChunkInfo> chunks = new ArrayList<>();
        for (ChunkInfo chunk : file.index().chunks(connectionId)) {
            if (chunk.direction() == direction && chunk.forwardedLength() > 0 && chunk.inFile()) {
                chunks.add(chunk);
            }
        }
        return new ChunkStream(file, chunks);
    }

    /** The connection as the HAR export wants it. */
    public static HarExport.Connection forHar(CaptureFile file, ConnectionInfo connection) throws IOException {
        InetSocketAddress target = connection.target();
        String server = target == null || target.getAddress() == null ? null : target.getAddress().getHostAddress();
        return new HarExport.Connection(connection.id(), server, decode(file, connection.id()).exchanges(),
                stream(file, connection.id(), Direction.CLIENT_TO_SERVER),
                stream(file, connection.id(), Direction.SERVER_TO_CLIENT));
    }

    /** Stream positions mapped onto chunks by binary search; the last chunk read is kept. */
    private static final class ChunkStream implements ByteSource {
        private final CaptureFile file;
        private final List<ChunkInfo> chunks;
        private final long[] starts;
        private int cachedIndex = -1;
        private byte[] cached;

        ChunkStream(CaptureFile file, List<ChunkInfo> chunks) {
            this.file = file;
            this.chunks = chunks;
            this.starts = new long[chunks.size() + 1];
            for (int i = 0; i < chunks.size(); i++) {
                starts[i + 1] = starts[i] + chunks.get(i).forwardedLength();
            }
        }

        @Override
        public int read(long position, byte[] dst, int offset, int length) throws IOException {
            int copied = 0;
            while (copied < length && position < starts[chunks.size()]) {
                int i = java.util.Arrays.binarySearch(starts, position);
                int index = i >= 0 ? i : -i - 2;
                if (index != cachedIndex) {
                    cached = file.forwarded(chunks.get(index));
                    cachedIndex = index;
                }
                int at = (int) (position - starts[index]);
                int n = Math.min(length - copied, cached.length - at);
                System.arraycopy(cached, at, dst, offset + copied, n);
                copied += n;
                position += n;
            }
            return copied;
        }
    }
}
